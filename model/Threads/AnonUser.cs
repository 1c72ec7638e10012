using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process touching its private anonymous memory (a heap of <c>pages</c> pages): each access is
/// a fault (<see cref="Fault.TouchAnon"/>), zero-filling a new anon or paging a swapped-out one
/// back in. At exit, uvmspace_free → amap_wipeout() drops each anon's reference under its an_lock
/// and unlocks, then uvm_anfree() frees the anon, its page (or marks a page in pageout
/// PG_RELEASED) and its swap slot, as <see cref="Cow.AmapOps.Unref"/> cuts it (uvm_amap.c:
/// <c>refs = --anon-&gt;an_ref; simple_unlock(&amp;anon-&gt;an_lock); if (refs == 0) uvm_anfree(anon);</c>).
/// The amap itself and its am_l are left out: the process is the only one to use it.
/// </summary>
public sealed class AnonUser(Kernel kernel, string name, int pages, IReadOnlyList<AnonTouch> program) : KernelThread(kernel, name)
{
    /// <summary>The process's amap: the anon of each page, or null before the first touch.</summary>
    private readonly Anon?[] _amap = new Anon?[pages];

    /// <inheritdoc/>
    public override int AnonReferencesTo(Anon anon) => Exited ? 0 : SlotsHolding(_amap, anon);

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        foreach (var t in program)
        {
            if (t.Page < 0 || t.Page >= _amap.Length) continue;
            // A user page fault: trap() → uvm_fault() under KERNEL_PROC_LOCK (i386 trap.c).
            foreach (var s in Syscall(Fault.TouchAnon(Kernel, this, _amap, t.Page, t.Write))) yield return s;
        }
        foreach (var s in Syscall(Exit1())) yield return s;
    }

    /// <summary>sys_exit → exit1(), under the big lock to the end: uvmspace_free of the heap.</summary>
    private IEnumerable<Step> Exit1()
    {
        foreach (var anon in _amap)
        {
            if (anon is null) continue;
            foreach (var s in Locks.Take(anon.Lock, this, "amap_wipeout: simple_lock(an_lock)")) yield return s;
            int refs = --anon.RefCount;
            anon.Lock.Release(Kernel, this);
            if (refs > 0) continue;
            yield return Step.Ran("amap_wipeout: an_ref--, simple_unlock(an_lock)");
            foreach (var s in AnonPager.FreeUnlocked(Kernel, this, anon)) yield return s;
        }
        yield return Step.Exit("exit1 → uvmspace_free");
    }
}
