using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Tests;

/// <summary>
/// Runs a kernel's threads without Coyote under a plain scheduler — round robin, or a seeded
/// random pick — for unit tests of whole paths: each step of each runnable thread in turn until
/// every thread sleeps or has exited, or the step budget runs out.
/// </summary>
internal static class KernelRunner
{
    /// <summary>Runs <paramref name="k"/>; returns the steps taken as "thread: function" lines.</summary>
    public static List<string> Run(Kernel k, int maxSteps = 5000, int? seed = null, Func<Kernel, string?>? check = null)
    {
        var log = new List<string>();
        var woken = new List<KernelThread>();
        var random = seed is { } s ? new Random(s) : null;
        int next = 0;
        for (int n = 0; n < maxSteps; n++)
        {
            var runnable = k.Threads.Where(t => !t.Exited && t.SleepingOn is null).ToList();
            if (runnable.Count == 0) return log;
            var t = random is null ? runnable[next++ % runnable.Count] : runnable[random.Next(runnable.Count)];
            var step = t.Advance();
            log.Add($"{t.Name}: {step.Function}{(step.Kind == StepKind.Sleep ? $" [sleep {step.Channel}]" : "")}");
            k.SleepQueues.TakeWoken(woken);
            woken.Clear();
            if (check?.Invoke(k) is { } bad) throw new InvalidOperationException($"{bad} after {log[^1]}\n{string.Join("\n", log)}");
        }
        throw new InvalidOperationException($"no quiescence in {maxSteps} steps:\n{string.Join("\n", log.TakeLast(40))}");
    }
}
