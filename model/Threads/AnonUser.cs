using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process touching its private anonymous memory (a heap of <c>pages</c> pages): each access is
/// a fault (<see cref="Fault.TouchAnon"/>), zero-filling a new anon or paging a swapped-out one
/// back in. At exit, uvmspace_free → amap_wipeout() drops each anon's reference under its an_lock
/// and unlocks, then uvm_anfree() frees the anon, its page (or marks a page in pageout
/// PG_RELEASED) and its swap slot, as <see cref="Cow.AmapOps.Unref"/> cuts it (uvm_amap.c:
/// <c>refs = --anon-&gt;an_ref; simple_unlock(&amp;anon-&gt;an_lock); if (refs == 0) uvm_anfree(anon);</c>).
/// The amap itself and its am_l are left out.
/// <para>
/// The process may have a second LWP, which its first LWP creates (_lwp_create) after a number of
/// its touches and which munmap()s all of the heap: uvm_unmap() takes the map's write
/// lock, removes the entry (the map's timestamp moves) and uvm_unmap_detach() → amap_unref() →
/// amap_wipeout() drops the anons as exit does. A fault of the other LWP that slept (reading an
/// anon's page from swap, on a busy page, in uvm_wait) then fails uvmfault_relock() and restarts,
/// and its refault finds no entry: SIGSEGV, and the process exits. If it owned the page it read,
/// it relocks the anon, and finds it PG_RELEASED when the munmap freed the anon meanwhile.
/// Approx.: the map lock is a flag (<see cref="Mapped"/>), cleared in munmap's first step; the
/// fault holds no read lock across its steps, so the munmap may start while a fault that did not
/// sleep is between lookup and pmap_enter, and then waits for that anon's an_lock, which ends in
/// the state of the fault running first. The munmapping LWP makes no fault of its own, so no
/// other thread holds an an_lock across steps and the fault's lookup and simple_lock(an_lock)
/// stay one step, as under the kernel's map read lock. exit1() waits for the other LWP to exit
/// (exit_lwps).
/// </para>
/// </summary>
public sealed class AnonUser : KernelThread
{
    /// <summary>The process's amap: the anon of each page, or null before the first touch (shared by its LWPs).</summary>
    private readonly Anon?[] _amap;

    /// <summary>The process's pmap (shared by its LWPs): a page it maps is loaded and stored by the MMU, without a fault.</summary>
    private readonly UserPmap _pmap;

    /// <summary>What this LWP touches.</summary>
    private readonly IReadOnlyList<AnonTouch> _program;

    /// <summary>The process's first LWP, for the second; null for the first.</summary>
    private readonly AnonUser? _first;

    /// <summary>Kept by the first LWP for the process: whether the heap's map entry is still there.</summary>
    private bool _mapped = true;

    /// <summary>The second LWP of the process, which munmaps the heap; null for a single-LWP process.</summary>
    private readonly AnonUser? _second;

    /// <summary>
    /// The fault's uvmfault_relock() after a sleep, for a process whose other LWP may munmap the
    /// heap; null for a single-LWP process, whose map nothing changes. Made once per LWP, not per
    /// fault.
    /// </summary>
    private readonly Func<bool>? _mappedCheck;

    /// <summary>The channel the second LWP waits on until _lwp_create() makes it runnable, named once per process.</summary>
    private readonly WaitChannel _createChannel;

    /// <summary>The channel exit1() waits on for the other LWP (exit_lwps), named once per process.</summary>
    private readonly WaitChannel _lwpsChannel;

    /// <summary>The number of touches the first LWP makes before it creates the second.</summary>
    private readonly int _createAfter;

    /// <summary>
    /// A process with <paramref name="pages"/> pages of heap, whose first LWP makes
    /// <paramref name="program"/>; with <paramref name="munmapLwpAfter"/>, it creates a second LWP
    /// after that many touches, which munmap()s the heap.
    /// </summary>
    public AnonUser(Kernel kernel, string name, int pages, IReadOnlyList<AnonTouch> program, int? munmapLwpAfter = null) : base(kernel, name)
    {
        _amap = new Anon?[pages];
        _pmap = new UserPmap(name, pages, kernel.Versions) { Amap = _amap };
        kernel.Vm.UserPmapList.Add(_pmap);
        _program = program;
        _createChannel = new($"_lwp_create of {name}");
        _lwpsChannel = new($"p_nlwps of {name}");
        if (munmapLwpAfter is not { } after) return;
        _createAfter = after;
        _mappedCheck = () => Mapped;
        _second = new AnonUser(kernel, $"{name} lwp2", this);
        _second.StartAsleep(_createChannel);
    }

    /// <summary>The second LWP of <paramref name="first"/>'s process, which munmap()s the heap.</summary>
    private AnonUser(Kernel kernel, string name, AnonUser first) : base(kernel, name)
    {
        _amap = first._amap;
        _pmap = first._pmap;
        _program = [];
        _first = first;
        _createChannel = first._createChannel;
        _lwpsChannel = first._lwpsChannel;
    }

    /// <summary>Whether the heap's map entry is still there (the map timestamp has not moved).</summary>
    private bool Mapped => (_first ?? this)._mapped;


    /// <inheritdoc/>
    /// <remarks>The amap is the process's: its first LWP counts it, until it exits.</remarks>
    public override int AnonReferencesTo(Anon anon) => _first is not null || Exited ? 0 : SlotsHolding(_amap, anon);

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        int touches = 0;
        foreach (var t in _program)
        {
            if (_second is not null && touches++ == _createAfter)
                foreach (var s in Syscall(LwpCreate())) yield return s;
            if (t.Page < 0 || t.Page >= _amap.Length) continue;
            // The entry is gone: the fault finds no entry, trap() sends SIGSEGV and the process exits.
            if (!Mapped) break;
            // A load or store through a mapping the pmap has is the MMU's: user mode, no trap, no lock.
            if (_pmap.MmuPage(t.Page, t.Write) is { } mapped)
            {
                yield return Pmap.MmuAccess(Kernel, this, mapped, t.Write);
                continue;
            }
            // A user page fault: trap() → uvm_fault() under KERNEL_PROC_LOCK (i386 trap.c).
            foreach (var s in Syscall(Fault.TouchAnon(Kernel, this, _amap, t.Page, t.Write, _mappedCheck, _pmap))) yield return s;
        }
        if (_first is not null)
        {
            foreach (var s in Syscall(Munmap())) yield return s;
            foreach (var s in Syscall(LwpExit())) yield return s;
            yield break;
        }
        if (_second is not null && touches <= _createAfter)
            foreach (var s in Syscall(LwpCreate())) yield return s;
        foreach (var s in Syscall(Exit1())) yield return s;
    }

    /// <summary>sys__lwp_create(): the new LWP is made runnable (setrunnable).</summary>
    private IEnumerable<Step> LwpCreate()
    {
        Kernel.SleepQueues.Wakeup(_createChannel);
        yield return Step.Ran("_lwp_create: setrunnable");
    }

    /// <summary>sys_munmap() of the heap: uvm_unmap_remove() under the map's write lock, then amap_wipeout().</summary>
    private IEnumerable<Step> Munmap()
    {
        if (!Mapped) yield break; // the process is exiting (SIGSEGV): nothing left to unmap
        if (!Kernel.Config.Has(Switches.MunmapKeepsMapTimestamp)) _first!._mapped = false; // munmap-keeps-map-timestamp
        _pmap.RemoveAll(); // uvm_unmap_remove(): pmap_remove() of the entry's range
        yield return Step.Ran("uvm_unmap: uvm_unmap_remove");
        foreach (var s in Wipeout()) yield return s;
    }

    /// <summary>sys__lwp_exit → lwp_exit(): the last LWP but one wakes exit1()'s exit_lwps().</summary>
    private IEnumerable<Step> LwpExit()
    {
        Kernel.SleepQueues.Wakeup(_lwpsChannel);
        yield return Step.Exit("lwp_exit");
    }

    /// <summary>sys_exit → exit1(), under the big lock to the end: exit_lwps(), then uvmspace_free of the heap.</summary>
    private IEnumerable<Step> Exit1()
    {
        while (_second is { Exited: false })
            yield return Step.Sleep("exit1: exit_lwps", _lwpsChannel);
        _pmap.RemoveAll(); // uvmspace_free() → uvm_unmap_remove(): pmap_remove()
        foreach (var s in Wipeout()) yield return s;
        _pmap.Destroy(); // pmap_destroy()
        yield return Step.Exit("exit1 → uvmspace_free");
    }

    /// <summary>amap_wipeout(): for each anon, an_ref-- under an_lock; the last reference frees it (uvm_anfree()).</summary>
    private IEnumerable<Step> Wipeout()
    {
        for (int i = 0; i < _amap.Length; i++)
        {
            if (_amap[i] is not { } anon) continue;
            foreach (var s in Locks.Take(anon.Lock, this, "amap_wipeout: simple_lock(an_lock)")) yield return s;
            int refs = --anon.RefCount;
            _amap[i] = null;
            anon.Lock.Release(Kernel, this);
            if (refs > 0) continue;
            yield return Step.Ran("amap_wipeout: an_ref--, simple_unlock(an_lock)");
            foreach (var s in AnonPager.FreeUnlocked(Kernel, this, anon)) yield return s;
        }
    }
}
