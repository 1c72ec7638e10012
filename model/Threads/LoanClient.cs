using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process that loans its memory out (uvm_loan.c users of 2003): a socket send of user memory
/// loans the pages to the kernel (UVM_LOAN_TOPAGE), the network stack transmits them, and the
/// loans are given back (<see cref="LoanSend"/>); a loan to anons (UVM_LOAN_TOANON) hands copy-on-
/// write anons to a receiver, which holds them until <see cref="UnloanAnons"/> or until after this
/// process exits. Its memory is <c>pages</c> private anon pages (a never-touched one loans the
/// shared zero page) followed by the pages of a SysV shm segment <c>shmKey</c> (created if needed
/// and attached at start), which other processes may share and write. Touches fault like any
/// process's, but never write a loaned page in place (<see cref="LoanFault"/>). At exit the map
/// goes (amap_wipeout drops an_ref of each anon, shmdt), then the receiver's anon loans.
/// </summary>
public sealed class LoanClient : KernelThread
{
    /// <summary>The private amap: the anon of each page, or null before the first touch.</summary>
    private readonly Anon?[] _amap;

    /// <summary>The shm key of the shared segment, 0 for none, and its size if this process creates it.</summary>
    private readonly int _shmKey, _shmPages;

    /// <summary>The most shm pages a mapped client's shm pmap has slots for (LoanWorkload.MaxPages).</summary>
    private const int MaxShmPages = 16;

    /// <summary>The operations, in order.</summary>
    private readonly IReadOnlyList<LoanOp> _program;

    /// <summary>Anons lent with UVM_LOAN_TOANON and not yet given back.</summary>
    private readonly List<Anon> _lent = [];

    /// <summary>Pages loaned to the kernel by <see cref="LoanSendQueued"/>, still in the socket's mbufs.</summary>
    private readonly List<Page> _queued = [];

    /// <summary>The attached shm segment, or null.</summary>
    private ShmSegment? _segment;

    /// <summary>
    /// With <c>mapped</c>, the pmap of the private pages (an anon user's: case 1A maps an anon's page
    /// writable only while an_ref is 1 and it is not loaned) and of the shm segment's pages (MAP_SHARED:
    /// writable unless loaned); null for a client whose every access is a fault.
    /// </summary>
    private readonly UserPmap? _pmap, _shmPmap;

    /// <summary>
    /// A loaning process with <paramref name="pages"/> private pages and an optional shm segment;
    /// with <paramref name="mapped"/> it has pmaps, so its loads and stores through a mapping the
    /// fault entered are the MMU's, and a loan's pmap_page_protect(VM_PROT_READ) is what makes its
    /// next store fault (uvm_loan.c).
    /// </summary>
    public LoanClient(Kernel kernel, string name, int pages, int shmKey, int shmPages, IReadOnlyList<LoanOp> program, bool mapped = false) : base(kernel, name)
    {
        _amap = new Anon?[pages];
        _shmKey = shmKey;
        _shmPages = shmPages;
        _program = program;
        if (!mapped) return;
        _pmap = new UserPmap(name, pages, kernel.Versions) { Amap = _amap };
        kernel.Vm.UserPmapList.Add(_pmap);
        if (shmKey == 0) return;
        _shmPmap = new UserPmap($"{name} shm", MaxShmPages, kernel.Versions);
        kernel.Vm.UserPmapList.Add(_shmPmap);
    }

    /// <inheritdoc/>
    public override int AnonReferencesTo(Anon anon)
    {
        if (Exited) return 0;
        int n = SlotsHolding(_amap, anon);
        for (int i = 0; i < _lent.Count; i++)
            if (_lent[i] == anon) n++;
        return n;
    }

    /// <summary>
    /// Every system call and user fault runs under the big lock from entry to return
    /// (<see cref="KernelThread.Syscall"/>, i386 trap.c syscall_plain() and trap()): shmget, shmat,
    /// the faults, sosend's uvm_loan(), the receiver's uvm_unloananon(), exit1. The unloan of
    /// transmitted mbufs is sodopendfree() inside a later sosend() (uipc_socket.c: soloanfree()
    /// queues the mbuf on so_pendfree from the interrupt), a system call of its own.
    /// </summary>
    protected override IEnumerable<Step> Body()
    {
        if (_shmKey > 0)
        {
            foreach (var s in Syscall(Get())) yield return s;
            foreach (var s in Syscall(Attach())) yield return s;
        }
        foreach (var op in _program)
            foreach (var s in Run(op)) yield return s;
        foreach (var s in Syscall(Exit1())) yield return s;
        foreach (var s in Syscall(GiveBackAnons())) yield return s;
        if (_queued.Count > 0)
        {
            // The interface transmits what the exited process left queued; sodoloanfree() unloans it.
            yield return Step.Ran("sosend: transmit the queued loaned pages");
            foreach (var s in Syscall(Unloan.UnloanPages(Kernel, this, [.. _queued]))) yield return s;
        }
        yield return Step.Exit("exit1");
    }

    /// <summary>exit1(): uvmspace_free (its uvm_unmap_remove()'s pmap_remove() of every mapping, amap_wipeout), then shmexit().</summary>
    private IEnumerable<Step> Exit1()
    {
        _pmap?.RemoveAll();
        _shmPmap?.RemoveAll();
        foreach (var s in WipeoutAmap()) yield return s;
        if (_segment is not null)
            foreach (var s in Detach(_segment)) yield return s;
        _pmap?.Destroy(); // pmap_destroy()
        _shmPmap?.Destroy();
    }

    private IEnumerable<Step> Run(LoanOp op)
    {
        switch (op)
        {
            case LoanTouch t when t.Page < _amap.Length:
                // A load or store through a mapping the pmap has is the MMU's: no trap, no lock.
                if (_pmap?.MmuPage(t.Page, t.Write) is { } mine)
                {
                    yield return Pmap.MmuAccess(Kernel, this, mine, t.Write);
                    break;
                }
                foreach (var s in Syscall(LoanFault.TouchAnon(Kernel, this, _amap, t.Page, t.Write, _pmap))) yield return s;
                break;
            case LoanTouch t when _segment is { } seg && t.Page - _amap.Length < seg.Object.Size:
                if (_shmPmap?.MmuPage(t.Page - _amap.Length, t.Write) is { } shared)
                {
                    yield return Pmap.MmuAccess(Kernel, this, shared, t.Write);
                    break;
                }
                foreach (var s in Syscall(Fault.TouchObject(Kernel, this, seg.Object, t.Page - _amap.Length, t.Write, _shmPmap, t.Page - _amap.Length))) yield return s;
                break;
            case LoanSend send:
                foreach (var s in Send(send)) yield return s;
                break;
            case LoanSendQueued send:
                foreach (var s in Syscall(Loan(send.Page, send.Count, toKernel: true, _queued, []))) yield return s;
                break;
            case LoanToAnons lend:
                foreach (var s in Syscall(Loan(lend.Page, lend.Count, toKernel: false, [], _lent))) yield return s;
                break;
            case UnloanAnons:
                foreach (var s in Syscall(GiveBackAnons())) yield return s;
                break;
        }
    }

    /// <summary>One uvm_loan() call over <paramref name="count"/> pages from <paramref name="first"/>.</summary>
    private IEnumerable<Step> Loan(int first, int count, bool toKernel, List<Page> pages, List<Anon> anons)
    {
        for (int page = first; page < first + count; page++)
            foreach (var s in PageLoan.Loan(Kernel, this, _amap, _segment?.Object, page, toKernel, pages, anons)) yield return s;
    }

    /// <summary>sosend() of loaned user memory: uvm_loan(UVM_LOAN_TOPAGE), transmit, uvm_unloan().</summary>
    private IEnumerable<Step> Send(LoanSend send)
    {
        var pages = new List<Page>();
        foreach (var s in Syscall(Loan(send.Page, send.Count, toKernel: true, pages, []))) yield return s;
        if (pages.Count == 0) yield break;
        yield return Step.Ran("sosend: transmit the loaned pages"); // the mbufs wait for the interface
        if (Kernel.Config.Has(Switches.SosendSkipsUnloan)) yield break; // sosend-skips-unloan
        foreach (var s in Syscall(Unloan.UnloanPages(Kernel, this, pages))) yield return s;
    }

    /// <summary>The receiver gives back every anon it borrowed (uvm_unloananon), one step each.</summary>
    private IEnumerable<Step> GiveBackAnons()
    {
        foreach (var anon in _lent)
            foreach (var s in Unloan.UnloanAnon(Kernel, this, anon)) yield return s;
        _lent.Clear();
    }

    /// <summary>
    /// exit1 → uvmspace_free → amap_wipeout: an_ref-- of each anon under its an_lock, unlock, and
    /// uvm_anfree() at the last reference (<c>refs = --anon-&gt;an_ref; simple_unlock(&amp;anon-&gt;an_lock);
    /// if (refs == 0) uvm_anfree(anon);</c>), cut at the unlock as <see cref="AnonUser"/>'s is; until
    /// session 31 the loan client freed the anon with an_lock held, in one step (found by a review).
    /// </summary>
    private IEnumerable<Step> WipeoutAmap()
    {
        bool pending = false;
        for (int i = 0; i < _amap.Length; i++)
        {
            if (_amap[i] is not { } anon) continue;
            foreach (var s in Locks.Take(anon.Lock, this, "amap_wipeout: simple_lock(an_lock)")) yield return s;
            int refs = --anon.RefCount;
            _amap[i] = null;
            anon.Lock.Release(Kernel, this);
            pending = true;
            if (refs > 0) continue;
            yield return Step.Ran("amap_wipeout: an_ref--, simple_unlock(an_lock)");
            foreach (var s in AnonPager.FreeUnlocked(Kernel, this, anon)) yield return s;
            pending = false;
        }
        if (pending) yield return Step.Ran("exit1 → uvmspace_free");
    }

    /// <summary>shmget(key, pages, IPC_CREAT) of a segment not found: uao_create(), as in sysv_shm.c.</summary>
    private IEnumerable<Step> Get()
    {
        if (Find() is not null) yield break;
        Kernel.Vm.ShmList.Add(new ShmSegment(_shmKey, AObjPager.Create(Kernel, _shmPages)));
        yield return Step.Ran("shmget → uao_create");
    }

    /// <summary>
    /// shmat() as <see cref="ShmUser"/>'s (<see cref="ShmSegment.Attach"/>): the attach counted
    /// is the client's one segment. Until session 31 the loan client did it all in one step (found
    /// by the review of the loan paths).
    /// </summary>
    private IEnumerable<Step> Attach() =>
        Find() is { } seg ? seg.Attach(Kernel, this, () => (seg.Nattch, _segment) = (seg.Nattch + 1, seg)) : [];

    /// <inheritdoc/>
    public override int ShmAttachmentsTo(ShmSegment seg) => _segment == seg ? 1 : 0;

    /// <inheritdoc/>
    public override ShmSegment? AttachedFreedSegment() => _segment is { Deallocated: true } ? _segment : null;

    /// <summary>shmexit: uao_detach(); the last detach of a removed segment deallocates it. The entry goes with the count (shm_delete_mapping()).</summary>
    private IEnumerable<Step> Detach(ShmSegment seg)
    {
        foreach (var s in AObjPager.Detach(Kernel, this, seg.Object, "exit1 → shmexit")) yield return s;
        _segment = null;
        if (--seg.Nattch > 0 || !seg.Removed || seg.Deallocated) yield break; // SHMSEG_FREE has no SHMSEG_REMOVED
        Kernel.Vm.ShmList.Remove(seg);
        seg.Deallocated = true;
        foreach (var s in AObjPager.Detach(Kernel, this, seg.Object, "shm_delete_mapping → shm_deallocate_segment")) yield return s;
    }

    /// <summary>shm_find_segment_by_key(): the live segment with this process's key.</summary>
    private ShmSegment? Find() => Kernel.Vm.ShmList.FirstOrDefault(s => s.Key == _shmKey && !s.Removed);
}
