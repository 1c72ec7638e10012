using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Tests.Model;

/// <summary>Builds small kernels with pages and swap for the VM unit tests, and a thread to act as.</summary>
internal static class VmFixture
{
    /// <summary>A kernel with <paramref name="freePages"/> free pages and <paramref name="slots"/> swap slots.</summary>
    public static Kernel Kernel(int freePages = 4, int slots = 4, KernelConfig? config = null)
    {
        var k = new Kernel(config ?? KernelConfig.Fixed);
        PhysMem.Boot(k, freePages);
        k.Vm.Swap = new SwapSpace(slots);
        return k;
    }

    /// <summary>
    /// Wakes the pagedaemon and runs its pass to the first step past uvmpd_scan()'s swapout walk:
    /// below freetarg with a swap device the scan drops the page queues around
    /// uvm_swapout_threads() first, in a step of its own, even with no LWP to swap out
    /// (uvm_pdaemon.c 1.39 uvmpd_scan).
    /// </summary>
    public static Step WakePagedaemon(Kernel k, Uvm.Model.Threads.PageDaemon pd)
    {
        k.SleepQueues.Wakeup(Pageout.Pagedaemon);
        var step = pd.Advance();
        return step.Function == "uvm_swapout_threads" ? pd.Advance() : step;
    }

    /// <summary>The labels of <paramref name="steps"/>, run to the end.</summary>
    public static List<string> Run(IEnumerable<Step> steps) => [.. steps.Select(s => s.Function)];

    /// <summary>
    /// A file page brought in by a fault, on the inactive queue; for a write, the user's store
    /// follows through the mapping (the fault only maps the page), so the page is dirty in the
    /// pmap modified bit and holds new data.
    /// </summary>
    public static Page FaultedIn(Kernel k, AObj vn, int index, bool write)
    {
        var user = Actor(k, "user");
        Run(VnodePager.Fault(k, user, vn, index, write));
        var p = vn.PageAt(index)!;
        if (write) Uvm.Model.Cow.Pmap.MmuAccess(k, user, p, store: true);
        k.Vm.PageQueueLock.Acquire(user);
        PageQueues.Deactivate(k, p);
        k.Vm.PageQueueLock.Release(user);
        return p;
    }

    /// <summary>A thread that never runs, to own locks and pass as "self".</summary>
    public static KernelThread Actor(Kernel k, string name = "test") => new Idle(k, name);

    /// <summary>An anon owning a resident page on the given queue, dirty unless a slot is given (which then holds the page's data).</summary>
    public static (Anon Anon, Page Page) AnonPage(Kernel k, PageQueue queue, int slot = 0)
    {
        var p = PageQueues.Alloc(k)!;
        var self = k.Threads.FirstOrDefault(t => t.Name == "fixture") ?? Actor(k, "fixture");
        var anon = AnonPager.New(k, self, p, null, null);
        anon.Lock.Release(k, self); // uvm_analloc() returns it locked
        PageQueues.Unbusy(k, p);
        if (slot != 0)
        {
            anon.SwSlot = slot;
            if (slot <= k.Vm.Swap.Slots) k.Vm.Swap.Store(slot, p.Data); // a test may name a slot of no device
            p.Flags |= PageFlags.Clean;
        }
        if (queue == PageQueue.Active) PageQueues.Activate(k, p);
        else if (queue == PageQueue.Inactive) PageQueues.Deactivate(k, p);
        return (anon, p);
    }

    /// <summary>Allocates a specific swap slot count, returning the slots.</summary>
    public static int[] AllocSlots(Kernel k, KernelThread self, int n) =>
        [.. Enumerable.Range(0, n).Select(_ => k.Vm.Swap.Alloc(self))];

    private sealed class Idle(Kernel kernel, string name) : KernelThread(kernel, name)
    {
        protected override IEnumerable<Step> Body()
        {
            yield return Step.Exit("idle");
        }
    }
}
