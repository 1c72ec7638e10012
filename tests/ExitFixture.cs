using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Threads;
using Uvm.Scenarios;

namespace Uvm.Tests;

/// <summary>Small kernels for unit tests of the exit, fork and wait paths, stepped by hand.</summary>
internal static class ExitFixture
{
    /// <summary>
    /// A kernel with one CPU thread and one process per program (one LWP each), with the exit
    /// section (init as their parent, NUAREA_MAX 1, free target 0: no shortage) but no other threads.
    /// </summary>
    public static (Kernel K, CpuThread Cpu) OneCpu(KernelConfig? config, params IReadOnlyList<LwpOp>[] programs) =>
        OneCpu(config, [.. programs.Select(p => new ProcessSpec([p]))]);

    /// <summary>As <see cref="OneCpu(KernelConfig?, IReadOnlyList{LwpOp}[])"/>, with one process whose LWPs run <paramref name="lwps"/>.</summary>
    public static (Kernel K, CpuThread Cpu) OneCpuOneProcess(KernelConfig? config, params IReadOnlyList<LwpOp>[] lwps) =>
        OneCpu(config, [new ProcessSpec(lwps)]);

    private static (Kernel K, CpuThread Cpu) OneCpu(KernelConfig? config, IReadOnlyList<ProcessSpec> processes)
    {
        var w = new Workload
        {
            Cpus = 1, SwapoutScans = 0, FreePages = 8,
            Sections = [new ExitWorkload { NuareaMax = 1, FreeTarget = 0, Pagedaemon = false }],
            Processes = processes,
        };
        var k = KernelBuilder.Build(w, config ?? KernelConfig.Fixed);
        var cpu = k.Threads.OfType<CpuThread>().Single();
        RunBootKthreads(k);
        return (k, cpu);
    }

    /// <summary>
    /// Runs proc0 and init, queued at boot behind the user LWPs, by hand until each sleeps (proc0
    /// with nothing to swap in, init in wait4()), so that the CPU thread's steps are the user LWPs'.
    /// </summary>
    private static void RunBootKthreads(Kernel k)
    {
        foreach (var t in k.Threads.OfType<Kthread>().Where(t => t is SchedulerThread or InitThread).ToList())
            for (int i = 0; i < 20 && t.Advance().Kind != StepKind.Sleep; i++)
            {
            }
    }

    /// <summary>
    /// Puts the u-area of a boot LWP that has not run yet on the free list, as if it had exited:
    /// off the run queue, LSZOMB, uvm_lwp_exit(). Its pages stay wired in kernel_object.
    /// </summary>
    public static Uvm.Model.Exit.Uarea CacheUareaOf(Kernel k, Lwp l)
    {
        var u = l.Uarea!;
        Scheduler.RemRunQueue(k, l);
        l.Stat = LwpStat.Zomb;
        Uvm.Model.Exit.ProcessExit.UvmLwpExit(k, new KernelFixture.TestThread(k), l);
        return u;
    }

    /// <summary>Advances <paramref name="t"/> until a step named <paramref name="function"/> (inclusive); returns the functions run.</summary>
    public static List<string> RunUntil(KernelThread t, string function, int max = 100)
    {
        var seen = new List<string>();
        for (int i = 0; i < max; i++)
        {
            var s = t.Advance();
            seen.Add(s.Function);
            if (s.Function == function) return seen;
            if (s.Kind != StepKind.Continue) break;
        }
        throw new InvalidOperationException($"{t.Name} never reached {function}: {string.Join(", ", seen)}");
    }

    /// <summary>Advances <paramref name="t"/> while it stays runnable (at most <paramref name="max"/> steps).</summary>
    public static List<string> RunWhileRunnable(KernelThread t, int max = 100)
    {
        var seen = new List<string>();
        for (int i = 0; i < max && !t.Exited && t.SleepingOn is null; i++) seen.Add(t.Advance().Function);
        return seen;
    }
}
