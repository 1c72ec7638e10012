namespace Uvm.Scenarios.Engine;

/// <summary>
/// Parts of the kernel state, coarse enough to declare by hand for a step and fine enough that a
/// step of one subsystem can be independent of a step of another. A sleep queue is a region of
/// its own per channel, together with the sleeping threads' wait state.
/// </summary>
[Flags]
public enum Region : ulong
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>
    /// sched_lock, the run queue, the CPUs, every LWP's l_stat, L_INMEM, times, program counter;
    /// the clock; and the detectors' store log (model/Core/Discipline.cs), which every locked
    /// write of an LWP field replaces and every racy read of one consults.
    /// </summary>
    Sched = 1 << 0,

    /// <summary>allproc/alllwp membership, proclist_lock, process fields, zombies, children.</summary>
    Proc = 1 << 1,

    /// <summary>The u-area cache, the u-areas and each LWP's l_addr.</summary>
    Uarea = 1 << 2,

    /// <summary>Physical pages, page queues, uvmexp, objects, anons, swap.</summary>
    Vm = 1 << 3,

    /// <summary>kernel_map and its lock.</summary>
    KernelMap = 1 << 4,

    /// <summary>The kernel pools.</summary>
    Pools = 1 << 5,

    /// <summary>User vmspaces and maps.</summary>
    Vmspaces = 1 << 6,

    /// <summary>Sleep queue: clock-idle (the model clock).</summary>
    SleepClock = 1 << 7,

    /// <summary>Sleep queue: &amp;proc0.</summary>
    SleepProc0 = 1 << 8,

    /// <summary>Sleep queue: &amp;uvmexp.free.</summary>
    SleepFreeMemory = 1 << 9,

    /// <summary>Sleep queue: sched_whichqs (idle CPUs).</summary>
    SleepWhichQs = 1 << 10,

    /// <summary>Sleep queue: kernel_map's lock.</summary>
    SleepKernelMap = 1 << 11,

    /// <summary>Sleep queue: &amp;uvm.pagedaemon.</summary>
    SleepPagedaemon = 1 << 12,

    /// <summary>Every other sleep queue.</summary>
    SleepOther = 1 << 13,

    /// <summary>Everything: the footprint of a step nobody has declared.</summary>
    All = ~0UL,
}

/// <summary>
/// What one atomic step may read and write. Two steps are independent when neither writes a
/// region the other reads or writes; run in either order from the same state, they then reach the
/// same state and each behaves as it would alone. Unions over-approximate: the footprint of a step
/// with several outcomes (its choices) is the union of theirs.
/// </summary>
public readonly record struct Footprint(Region Reads, Region Writes)
{
    /// <summary>Reads and writes everything: dependent on every step.</summary>
    public static Footprint All { get; } = new(Region.All, Region.All);

    /// <summary>Touches nothing (the identity of <see cref="Union"/>).</summary>
    public static Footprint None { get; } = new(Region.None, Region.None);

    /// <summary>A footprint that reads and writes <paramref name="regions"/>.</summary>
    public static Footprint ReadWrite(Region regions) => new(regions, regions);

    /// <summary>Reads <paramref name="read"/> as well.</summary>
    public Footprint AlsoReads(Region read) => new(Reads | read, Writes);

    /// <summary>Both footprints.</summary>
    public Footprint Union(Footprint other) => new(Reads | other.Reads, Writes | other.Writes);

    /// <summary>True when neither step writes what the other reads or writes.</summary>
    public bool IndependentOf(Footprint other) =>
        (Writes & (other.Reads | other.Writes)) == 0 && (other.Writes & (Reads | Writes)) == 0;
}
