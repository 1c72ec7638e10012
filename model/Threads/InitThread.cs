using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Exit;

namespace Uvm.Model.Threads;

/// <summary>
/// init(8) as the parent of the workload's processes and of every orphan: it loops in wait4()
/// (<see cref="ProcessWait.Wait4"/>), and with no children at all sleeps on its proc, which exit1()
/// wakes when it hands init an orphan. A kernel thread here rather than a user LWP on a CPU
/// (approx.): its wait4() is the same path a parent LWP runs, without the CPU time.
/// </summary>
public sealed class InitThread(Kernel kernel) : Kthread(kernel, "init", kernel.ProcLists.Init)
{
    /// <inheritdoc/>
    /// <remarks>wait4() for its children: asleep while a child is a zombie, a wakeup was lost.</remarks>
    public override bool IdlesOn(WaitChannel channel)
    {
        if (Kernel.ProcLists.Init is not { } init || channel != ProcLists.ChannelOf(init)) return false;
        var children = init.Children;
        for (int i = 0; i < children.Count; i++) // an index loop: the liveness check must not allocate
            if (children[i].Stat == ProcStat.Zomb) return false;
        return true;
    }

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        var init = Kernel.ProcLists.Init ?? throw new InvalidOperationException("no initproc");
        while (true)
        {
            if (init.Children.Count == 0)
            {
                yield return Step.Sleep("init: no children", ProcLists.ChannelOf(init));
                continue;
            }
            foreach (var s in ProcessWait.Wait4(Kernel, init, () => this)) yield return s;
        }
    }
}
