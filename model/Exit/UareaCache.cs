using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// The cache of free u-areas of uvm_glue.c after the 2004 exit rework: the uvm_uareas list and its
/// count uvm_nuarea under the uvm_uareas_slock spin lock. uvm_lwp_exit() links an exiting LWP's
/// u-area here without blocking (<see cref="Free"/>); uvm_uarea_alloc() in fork1() pops one before
/// allocating a new one (<see cref="TryPop"/>); uvm_uarea_drain() frees those above
/// UVM_NUAREA_MAX (or all of them), dropping the lock around each uvm_km_free(), which may sleep
/// (<see cref="Drain"/>). Cached u-areas stay wired, so a reused one needs no uvm_fault_wire().
/// Also the registry of every u-area the model created, for the no-leak invariant.
/// </summary>
public sealed class UareaCache(WriteVersions? versions = null, Discipline? discipline = null)
{
    /// <summary>A write to the cache or a u-area (<see cref="StateDomain.Uarea"/>).</summary>
    private void V() => versions?.Bump(StateDomain.Uarea);

    /// <summary>
    /// A write of the free list, which the running step does holding uvm_uareas_slock (uvm_glue.c
    /// 1.93: uvm_uarea_free() and uvm_uarea_alloc() link and unlink under it). The lock is taken
    /// and dropped inside one step, so only the lock-discipline check sees a write outside it.
    /// </summary>
    private void Listed()
    {
        V();
        discipline?.WriteAlsoUnder(Lock, this, "uvm_uareas free list");
    }

    /// <summary>UVM_NUAREA_MAX of the kernel: u-areas uvm_uarea_drain(FALSE) leaves cached.</summary>
    public const int KernelNuareaMax = 16;

    /// <summary>uvm_uareas: the free list, head first.</summary>
    private readonly List<Uarea> _free = [];

    /// <summary>Every u-area ever created, in creation order.</summary>
    private readonly List<Uarea> _all = [];

    /// <summary>uvm_uareas_slock.</summary>
    public StepLock Lock { get; } = new("uvm_uareas_slock");

    /// <summary>UVM_NUAREA_MAX as the model uses it (a workload setting, scaled down from 16).</summary>
    public int NuareaMax { get; internal set { V(); field = value; } } = KernelNuareaMax;

    /// <summary>uvm_nuarea: how many u-areas are cached.</summary>
    public int Count => _free.Count;

    /// <summary>The free list, head first.</summary>
    public IReadOnlyList<Uarea> FreeList => _free;

    /// <summary>Every u-area the model created.</summary>
    public IReadOnlyList<Uarea> All => _all;

    /// <summary>
    /// The pagedaemon was woken under a memory shortage while u-areas were cached, and the free list
    /// has not been emptied since: a drain is owed (the liveness property's obligation).
    /// </summary>
    public bool DrainWanted { get; internal set { V(); field = value; } }

    /// <summary>A pagedaemon that drains this cache under a shortage runs (set by the thread that does).</summary>
    public bool PagedaemonDrains { get; internal set { V(); field = value; } }

    /// <summary>U-areas fork may still create beyond those of the boot LWPs: kernel_object is sized for them at boot.</summary>
    public int Reserve { get; internal set { V(); field = value; } }

    /// <summary>A new u-area (uvm_km_alloc), or a boot LWP's (wired).</summary>
    internal Uarea Create(bool wired = false)
    {
        V();
        var u = new Uarea(_all.Count + 1, wired, versions);
        _all.Add(u);
        return u;
    }

    /// <summary>uvm_uarea_free(): link the u-area at the head of the free list; never blocks.</summary>
    internal void Free(KernelThread self, Uarea u)
    {
        Lock.Acquire(self);
        u.State = UareaState.Cached;
        u.Owner = null;
        bool late = self.Kernel.Config.Has(Switches.UareaFreeLinksAfterUnlock); // the mutation: the link after the unlock
        if (late) Lock.Release(self);
        Listed();
        _free.Insert(0, u);
        if (!late) Lock.Release(self);
    }

    /// <summary>uvm_uarea_alloc(), cache half: pop the head of the free list under the lock, or null if it is empty.</summary>
    internal Uarea? TryPop(KernelThread self)
    {
        Lock.Acquire(self);
        var u = Count > 0 ? Pop() : null; // if (uvm_nuarea > 0)
        Lock.Release(self);
        return u;
    }

    /// <summary>
    /// uvm_uarea_drain(empty): while more than UVM_NUAREA_MAX (0 if <paramref name="empty"/>) are
    /// cached, pop one under the lock, drop the lock, uvm_km_free() it (may sleep), retake the lock.
    /// The final check that ends the loop runs in the caller's next step, as the kernel returns
    /// straight into it. A caller enumerates the result at once, so the test whether there is
    /// anything to drain is made when called (nothing runs in between): with nothing to drain, the
    /// pagedaemon's pass and wait4 allocate no iterator.
    /// </summary>
    public IEnumerable<Step> Drain(Kernel k, Func<KernelThread> self, bool empty)
    {
        int leave = empty && !k.Config.Has(Switches.UareaDrainStopsAtNuareaMax) ? 0 : NuareaMax;
        return Count <= leave ? [] : Drain(k, self, leave);
    }

    /// <summary>
    /// The loop of <see cref="Drain(Kernel, Func{KernelThread}, bool)"/> while more than
    /// <paramref name="leave"/> u-areas are cached (named Drain too: the step catalogue names a
    /// label by its method).
    /// </summary>
    private IEnumerable<Step> Drain(Kernel k, Func<KernelThread> self, int leave)
    {
        while (true)
        {
            var me = self();
            Lock.Acquire(me);
            var u = Count > leave || (k.Config.Has(Switches.UareaDrainPopsOneMore) && Count == leave) ? Pop() : null; // uarea-drain-pops-one-more
            Lock.Release(me);
            if (u is null) yield break;
            if (k.Config.Has(Switches.UareaDrainDropsUarea)) continue;
            u.State = UareaState.Freeing;
            yield return Step.Ran("uvm_uarea_drain");
            foreach (var s in KernelMem.FreeUarea(k, self, u)) yield return s;
        }
    }

    /// <summary>uvm_unmap_remove() of a u-area range, once uvm_km_pgremove() emptied it (model/Exit/KernelMem.cs): the range is freed.</summary>
    internal void Release(Uarea u)
    {
        u.State = UareaState.Freed;
        u.Owner = null;
        u.Wired = false;
    }

    /// <summary>
    /// Unlinks the head (<c>uaddr = uvm_uareas; uvm_uareas = uvm_uareas-&gt;uu_next; uvm_nuarea--</c>);
    /// the caller holds the lock and has tested the count. An emptied list owes no drain. The head of
    /// an empty list is NULL, and the kernel's next load through it faults: a caller whose test lets
    /// it pop an empty list panics, as the kernel would.
    /// </summary>
    private Uarea Pop()
    {
        if (_free.Count == 0)
            throw new KernelPanicException("uvm_uarea_drain", "uvm_uareas is NULL: the free list is empty, and uvm_uareas->uu_next faults (uvm_nuarea would go below 0)");
        var u = _free[0];
        Listed();
        _free.RemoveAt(0);
        if (_free.Count == 0) DrainWanted = false;
        return u;
    }

    /// <inheritdoc/>
    public override string ToString() => "uareas"; // also its label in explain's state (scenarios/Explain/StateDescriber.cs)
}
