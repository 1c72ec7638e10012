using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process using SysV shared memory (sysv_shm.c, 2002): shmget → uao_create, shmat →
/// uao_reference, touches of the mapped pages (a fault, <see cref="Fault.TouchObject"/>, unless
/// the process's pmap maps the page: then the MMU's load or store), shmdt →
/// uao_detach, IPC_RMID; the last detach of a removed segment (shm_deallocate_segment) drops the
/// segment's own reference and frees the aobj and its swap. At exit every attachment is detached.
/// Errors (EINVAL on an unknown key, SIGSEGV on an unmapped page) end the operation without a step.
/// </summary>
public sealed class ShmUser : KernelThread
{
    private readonly IReadOnlyList<ShmOp> _program;

    /// <summary>The segments this process has attached, by key: its vm_shm (struct shmmap_state).</summary>
    private readonly Dictionary<int, ShmSegment> _attached = [];

    /// <summary>The process's pmap: a slot for each (key, page) its program touches.</summary>
    private readonly UserPmap _pmap;

    /// <summary>The pmap slot of each (key, page) the program touches.</summary>
    private readonly Dictionary<(int Key, int Page), int> _slot = [];

    /// <summary>A process running <paramref name="program"/>.</summary>
    public ShmUser(Kernel kernel, string name, IReadOnlyList<ShmOp> program) : base(kernel, name)
    {
        _program = program;
        foreach (var op in program)
            if (op is ShmTouch t && !_slot.ContainsKey((t.Key, t.Page))) _slot[(t.Key, t.Page)] = _slot.Count;
        _pmap = new UserPmap(name, _slot.Count, kernel.Versions);
        kernel.Vm.UserPmapList.Add(_pmap);
    }

    /// <inheritdoc/>
    public override ShmSegment? AttachedFreedSegment()
    {
        foreach (var a in _attached.Values)
            if (a.Deallocated) return a;
        return null;
    }

    /// <inheritdoc/>
    public override int ShmAttachmentsTo(ShmSegment seg)
    {
        int n = 0;
        foreach (var a in _attached.Values)
            if (a == seg) n++;
        return n;
    }

    /// <summary>A change of this process's attachments: the shm part of the state (<see cref="StateDomain.Objects"/>), as shm_nattch's.</summary>
    private void AttachmentsChanged() => Kernel.Versions.Bump(StateDomain.Objects);

    /// <summary>
    /// Each operation is one system call (shmget, shmat, shmdt, shmctl) or user fault, under the
    /// big lock from entry to return (<see cref="KernelThread.Syscall"/>, i386 trap.c
    /// syscall_plain() and trap()); exit1's shmexit() too.
    /// </summary>
    protected override IEnumerable<Step> Body()
    {
        foreach (var op in _program)
        {
            // A load or store through a mapping the pmap has is the MMU's: user mode, no trap, no lock.
            if (op is ShmTouch t && _attached.ContainsKey(t.Key) && _pmap.MmuPage(_slot[(t.Key, t.Page)], t.Write) is { } mapped)
            {
                yield return Pmap.MmuAccess(Kernel, this, mapped, t.Write);
                continue;
            }
            foreach (var s in Syscall(Run(op))) yield return s;
        }
        foreach (var s in Syscall(Exit1())) yield return s;
    }

    /// <summary>exit1() → shmexit(): every attachment detached, then the exit.</summary>
    private IEnumerable<Step> Exit1()
    {
        foreach (var key in _attached.Keys.ToArray())
            foreach (var s in Detach(key, "exit1 → shmexit")) yield return s;
        _pmap.Destroy(); // uvmspace_free(): pmap_destroy()
        yield return Step.Exit("exit1");
    }

    private IEnumerable<Step> Run(ShmOp op)
    {
        switch (op)
        {
            case ShmGet g:
                foreach (var s in Get(g)) yield return s;
                break;
            case ShmAt a when !_attached.ContainsKey(a.Key):
                foreach (var s in Attach(a.Key)) yield return s;
                break;
            case ShmTouch t when _attached.TryGetValue(t.Key, out var seg) && t.Page < seg.Object.Size:
                foreach (var s in Fault.TouchObject(Kernel, this, seg.Object, t.Page, t.Write, _pmap, _slot[(t.Key, t.Page)])) yield return s;
                break;
            case ShmDt d when _attached.ContainsKey(d.Key):
                foreach (var s in Detach(d.Key, "shmdt → uao_detach")) yield return s;
                break;
            case ShmRmid r when Find(r.Key) is { } seg:
                seg.RmidSucceeded = true; // what the caller asked (not kernel state)
                bool marksLate = Kernel.Config.Has(Switches.ShmRmidMarksOnlyUnattached); // shm-rmid-marks-only-unattached
                if (!marksLate) seg.Removed = true;
                if (seg.Nattch > (Kernel.Config.Has(Switches.ShmRmidFreesAttached) ? 1 : 0)) // shm-rmid-frees-attached
                {
                    yield return Step.Ran("shmctl(IPC_RMID)");
                    break;
                }
                if (marksLate) seg.Removed = true;
                Kernel.Vm.ShmList.Remove(seg);
                seg.Deallocated = true;
                foreach (var s in AObjPager.Detach(Kernel, this, seg.Object, "shmctl(IPC_RMID) → shm_deallocate_segment")) yield return s;
                break;
        }
    }

    /// <summary>sys_shmat() of the live segment with this key (<see cref="ShmSegment.Attach"/>); none: EINVAL.</summary>
    private IEnumerable<Step> Attach(int key) =>
        Find(key) is { } seg ? seg.Attach(Kernel, this, () => Count(key, seg)) : [];

    /// <summary>shm_nattch++ and the process's shmmap entry of <paramref name="seg"/>.</summary>
    private void Count(int key, ShmSegment seg)
    {
        if (!Kernel.Config.Has(Switches.ShmatSkipsNattch)) seg.Nattch++; // shmat-skips-nattch
        _attached[key] = seg;
        AttachmentsChanged();
    }

    /// <summary>
    /// sys_shmget() (sysv_shm.c): the live segment with this key; a segment of the key still being
    /// allocated is waited for (shmget_existing(): SHMSEG_WANTED, tsleep "shmget", EAGAIN, "goto
    /// again"); else shmget_allocate_segment() marks the segment present but deleted, sleeps in
    /// malloc(M_WAITOK) (a step ends there), then uao_create() backs it with a new aobj, and the
    /// end of the allocation wakes whoever set SHMSEG_WANTED meanwhile.
    /// </summary>
    private IEnumerable<Step> Get(ShmGet g)
    {
        while (Kernel.Vm.ShmAllocations.FirstOrDefault(a => a.Key == g.Key) is { } pending)
        {
            pending.Wanted = true;
            yield return Step.Sleep("shmget: segment being allocated", pending.Channel);
        }
        if (Find(g.Key) is not null)
        {
            yield return Step.Ran("shmget");
            yield break;
        }
        var allocation = new ShmAllocation(g.Key, Kernel.Discipline, Kernel.Versions);
        Kernel.Vm.ShmAllocating.Add(allocation);
        // shmget_allocate_segment(): "In case we sleep in malloc(), mark the segment present but
        // deleted so that noone else tries to create the same key": malloc(M_WAITOK) of the
        // shm_handle and uao_create() may sleep, so the big lock goes with the step (a second
        // shmget() of the key can then find it and wait, SHMSEG_WANTED).
        MaySleep();
        yield return Step.Ran("shmget: malloc, the segment marked allocated and removed");
        Kernel.Vm.ShmList.Add(new ShmSegment(g.Key, AObjPager.Create(Kernel, g.Pages)));
        Kernel.Vm.ShmAllocating.Remove(allocation);
        if (allocation.Wanted && !Kernel.Config.Has(Switches.ShmgetSkipsWantedWakeup)) // shmget-skips-wanted-wakeup
        {
            allocation.Wanted = false;
            Kernel.SleepQueues.Wakeup(allocation.Channel);
        }
        yield return Step.Ran("shmget → uao_create");
    }

    /// <summary>
    /// shmdt(): uvm_deallocate() of the mapping, then shm_delete_mapping(): <c>shmmap_se->shmid =
    /// -1</c> and <c>--shmseg->shm_nattch</c> in one section (sysv_shm.c of 2002), so the
    /// process's entry goes with the count.
    /// </summary>
    private IEnumerable<Step> Detach(int key, string function)
    {
        var seg = _attached[key];
        // uvm_deallocate() of the attachment: uvm_unmap() → pmap_remove() of its range.
        foreach (var ((k, _), slot) in _slot)
            if (k == key) _pmap.Remove(slot);
        bool removedBefore = seg.Removed; // shmdt-reads-removed-before-detach: the stale value decides below
        foreach (var s in AObjPager.Detach(Kernel, this, seg.Object, function)) yield return s;
        bool removed = Kernel.Config.Has(Switches.ShmdtReadsRemovedBeforeDetach) ? removedBefore : seg.Removed;
        _attached.Remove(key);
        AttachmentsChanged();
        if (--seg.Nattch > 0 || !removed || seg.Deallocated) yield break; // SHMSEG_FREE has no SHMSEG_REMOVED
        Kernel.Vm.ShmList.Remove(seg);
        seg.Deallocated = true;
        foreach (var s in AObjPager.Detach(Kernel, this, seg.Object, "shm_delete_mapping → shm_deallocate_segment")) yield return s;
    }

    /// <summary>shm_find_segment_by_key(): a segment with this key that is not removed.</summary>
    private ShmSegment? Find(int key) => Kernel.Vm.ShmList.FirstOrDefault(s => s.Key == key && !s.Removed);
}
