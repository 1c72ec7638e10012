using System.Numerics;
using System.Runtime.CompilerServices;

namespace Uvm.Model.Core;

/// <summary>
/// Parts of the kernel state whose writes are counted (<see cref="WriteVersions"/>), so that the
/// stepping core judges an invariant only after a step that wrote what the invariant reads
/// (CONTRIBUTING.md, "Add an invariant"). Each part names the model classes whose every write, during a step, bumps
/// its version; state outside every part is read only by invariants that declare <see cref="All"/>.
/// </summary>
[Flags]
public enum StateDomain : uint
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>
    /// struct lwp (<c>Sched.Lwp</c>: every field but the clocks l_swtime and l_slptime, the sleep
    /// timeout, l_wchan, l_holdcnt and the program position), struct cpu_info (<c>Sched.Cpu</c>),
    /// the run queue, alllwp (<c>Kernel.Lwps</c>) and the kernel threads' LWPs.
    /// </summary>
    Sched = 1 << 0,

    /// <summary>struct proc (<c>Sched.Proc</c>: its flags, state, parent, LWP and child lists, pool item), its vmspace's freed mark, allproc (<c>Kernel.Procs</c>).</summary>
    Proc = 1 << 1,

    /// <summary>The u-areas (<c>Exit.Uarea</c>) and the u-area cache (<c>Exit.UareaCache</c>).</summary>
    Uarea = 1 << 2,

    /// <summary>
    /// The kernel pools (<c>Pool.Pool</c>: its page lists, counts, pr_curpage, and the page headers
    /// and splay tree it alone changes; a lookup splays, so it counts as a write).
    /// </summary>
    Pool = 1 << 3,

    /// <summary>
    /// The process maps (<c>Maps.Vmspace</c>, <c>Maps.VmMap</c>: bounds, pending insert, entry list,
    /// and the entries and red-black tree it alone changes) and the list of them (<c>Kernel.Vmspaces</c>).
    /// </summary>
    Map = 1 << 4,

    /// <summary>
    /// The physical pages (<c>Vm.Page</c>: queue, flags, owner links, wire and loan counts, holder,
    /// busy owner, data), the free, active and inactive queues, the pages not yet materialized, the
    /// kernel's loans (<c>Vm.VmState</c>), and uvmexp.free and uvmexp.paging (<c>Uvmexp</c>). A part of <see cref="Vm"/>.
    /// </summary>
    Pages = 1 << 5,

    /// <summary>
    /// The anons (<c>Vm.Anon</c>: an_ref, an_page, an_swslot, freed, the data last written) and the list of live ones. A part of <see cref="Vm"/>.
    /// </summary>
    Anons = 1 << 9,

    /// <summary>
    /// The memory objects (<c>Vm.AObj</c>: references, uao_list membership, page and swap slot
    /// tables, the data last written to each page and a vnode's file blocks), whether aobjs, vnodes or kernel_object, their lists, and the SysV shm segments
    /// (<c>Vm.ShmSegment</c>). A part of <see cref="Vm"/>.
    /// </summary>
    Objects = 1 << 10,

    /// <summary>
    /// The swap space (<c>Vm.SwapSpace</c>: its slots, in use and bad, and their data), the pagedaemon's swap
    /// cluster (<c>Vm.SwapCluster</c>) and cluster size, the pageouts in flight, their errors and
    /// completions, and uvmexp.swpgonly. A part of <see cref="Vm"/>.
    /// </summary>
    Swap = 1 << 11,

    /// <summary>
    /// The copy-on-write address spaces (<c>Cow.CowSpace</c>: entry, pmap mappings, amap links, the process's view of its data)
    /// and the amaps (<c>Vm.Amap</c>: slots, am_ref, am_nused). A part of <see cref="Vm"/>.
    /// </summary>
    CowMaps = 1 << 12,

    /// <summary>
    /// The rest of uvmexp (<c>Uvmexp</c>): the event counters (swapouts, swapins, the pagedaemon's
    /// pdwoke, pdfreed, pdpageouts) and the tunables (maxslp, freemin, freetarg, inactarg,
    /// reserve_kernel), which no invariant reads: a step that only counts brings none to judgement.
    /// A part of <see cref="Vm"/>.
    /// </summary>
    VmCounters = 1 << 13,

    /// <summary>
    /// The virtual memory below the maps, every part of it: <see cref="Pages"/>, <see cref="Anons"/>,
    /// <see cref="Objects"/>, <see cref="Swap"/>, <see cref="CowMaps"/> and <see cref="VmCounters"/>.
    /// Several parts, so never bumped itself: an invariant may declare it, and its stamp moves with any of them.
    /// </summary>
    Vm = Pages | Anons | Objects | Swap | CowMaps | VmCounters,

    /// <summary>
    /// The sleep queues: the channel each kernel thread sleeps on (<c>KernelThread.SleepingOn</c>),
    /// whether it has exited, and the list of kernel threads (<c>Kernel.Threads</c>).
    /// </summary>
    Sleep = 1 << 6,

    /// <summary>
    /// The fields of struct lwp that <see cref="Sched"/> leaves out, so that a clock tick, which
    /// writes them for every LWP, does not count as a write to the scheduler state: the clocks
    /// l_swtime and l_slptime, the sleep timeout, l_wchan, l_holdcnt and the program position
    /// (<c>Sched.Lwp</c>), of every LWP on alllwp (linking a new one counts). No invariant reads
    /// them through a part; verify's state hash uses it to rehash the LWPs only when one moved.
    /// </summary>
    LwpClock = 1 << 7,

    /// <summary>
    /// Which pool item each struct proc, struct lwp and map entry holds (their <c>PoolItem</c>) and
    /// the lists they are found on: allproc (<c>Kernel.Procs</c>), alllwp (<c>Kernel.Lwps</c>), the
    /// process maps' entry lists and <c>Kernel.Vmspaces</c>. Each of these is also in its own part
    /// above (<see cref="Proc"/>, <see cref="Sched"/>, <see cref="Map"/>), whose versions its writes
    /// bump too: this part only lets an invariant that reads no more of them than this skip the
    /// steps that write the rest (a switch of the run queue, a state change of an LWP).
    /// </summary>
    PoolItems = 1 << 8,

    /// <summary>
    /// The vmspace references: each vmspace's vm_refcnt (<c>Exit.ProcVmspace</c>), which vmspace a
    /// process names and whether it still holds its reference (p_vmspace, <c>VmspaceReleased</c>),
    /// the references readers hold from outside (<c>Lwp.HeldVmspace</c>), and the free of a struct
    /// proc. A part of <see cref="Proc"/>, whose version these writes bump too: it lets the
    /// reference recount skip the many steps that write the rest of a process.
    /// </summary>
    VmRefs = 1 << 14,

    /// <summary>Every read or write: an invariant that declares nothing is judged after every step.</summary>
    All = uint.MaxValue,
}

/// <summary>
/// One version per <see cref="StateDomain"/>, bumped by every write to that part of the state.
/// Versions only grow, so the sum of a set of them (<see cref="Stamp"/>) is unchanged exactly
/// when none of them moved. The parts written since the stepping core last asked are kept as a
/// mask too (<see cref="TakeWritten"/>): one test per invariant instead of a sum.
/// </summary>
[NotState("versions only grow; the mask of parts written is taken after every judged step, and which invariants are judged never changes what holds (they are pure)")]
public sealed class WriteVersions
{
    /// <summary>
    /// Every part with a version of its own (a single flag of <see cref="StateDomain"/>), in the
    /// enum's order: what an audit of the versions or a count of their writes goes over, so that a
    /// part added to the enum is in it without another list to keep.
    /// </summary>
    public static IReadOnlyList<StateDomain> Parts { get; } =
        [.. Enum.GetValues<StateDomain>().Where(d => d != StateDomain.All && BitOperations.PopCount((uint)d) == 1)];

    private readonly long[] _versions = new long[32];

    /// <summary>The parts written since the last <see cref="TakeWritten"/>.</summary>
    private uint _written;

    /// <summary>A write to <paramref name="domain"/> (a single flag).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bump(StateDomain domain)
    {
        _versions[BitOperations.TrailingZeroCount((uint)domain)]++;
        _written |= (uint)domain;
    }

    /// <summary>The parts whose versions moved since the last call (or since the kernel was built), and forgets them.</summary>
    public StateDomain TakeWritten()
    {
        var written = (StateDomain)_written;
        _written = 0;
        return written;
    }

    /// <summary>The sum of the versions of <paramref name="domains"/> (never called with <see cref="StateDomain.All"/>; 0 for <see cref="StateDomain.None"/>).</summary>
    public long Stamp(StateDomain domains)
    {
        long sum = 0;
        for (uint m = (uint)domains; m != 0; m &= m - 1) sum += _versions[BitOperations.TrailingZeroCount(m)];
        return sum;
    }
}
