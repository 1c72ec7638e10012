using System.Text.Json.Serialization;

namespace Uvm.Model;

/// <summary>
/// Which kernel the model runs: the set of switches turned on (historical bugs, discovered bugs,
/// model mutations; <see cref="Switches"/>) and the process-exit design. Immutable; the default is
/// the fixed kernel of the reaperless design. A kernel site asks <c>k.Config.Has(Switches.X)</c>.
/// </summary>
[JsonConverter(typeof(KernelConfigJson))]
public sealed record KernelConfig
{
    /// <summary>The fixed kernel: every switch off.</summary>
    public static KernelConfig Fixed { get; } = new();

    /// <summary>The switches turned on, in registry order.</summary>
    private KernelSwitch[] On { get; init; } = [];

    /// <summary>The switches turned on, in registry order.</summary>
    public IReadOnlyList<KernelSwitch> Enabled => On;

    /// <summary>
    /// The generic detectors (model/Core/Discipline.cs: lock discipline, use after free) check the
    /// model's accesses. On by default; off only to measure what they cost (<c>--no-detectors</c>).
    /// Not a switch: it changes no kernel site, only whether the model watches them.
    /// </summary>
    public bool Detectors { get; init; } = true;

    /// <summary>
    /// The big kernel lock of the 2004 MULTIPROCESSOR kernel (<see cref="Core.KernelLock"/>): kernel
    /// code of processes and kernel threads runs under it, and only sleeps, exits and returns to user
    /// mode let another CPU in. On by default, the kernel version the model follows; off
    /// (<c>--no-big-lock</c>) runs the finer-locked later kernels, where every critical section
    /// interleaves. Not a bug switch: a kernel version, like <see cref="ExitDesign"/>.
    /// </summary>
    public bool BigLock { get; init; } = true;

    /// <summary>
    /// The process-exit design: the 2004 reaperless rework (default) or the reaper thread before it.
    /// A design choice, not a bug; a workload's exit section may pick it. Read in
    /// <see cref="Exit.LwpExit"/> and by the kernel builder (which starts the reaper).
    /// </summary>
    public ExitDesign ExitDesign { get; init; }

    /// <summary>True when <paramref name="s"/> is on: the site runs the pre-fix or mutated code.</summary>
    public bool Has(KernelSwitch s)
    {
        foreach (var on in On)
            if (ReferenceEquals(on, s)) return true;
        return false;
    }

    /// <summary>This configuration with <paramref name="s"/> on (and the exit design and big-lock setting it needs, if any).</summary>
    public KernelConfig With(KernelSwitch s)
    {
        var design = s.Design ?? ExitDesign;
        var bigLock = s.BigLock ?? BigLock;
        if (Has(s)) return this with { ExitDesign = design, BigLock = bigLock };
        var all = Switches.All;
        return this with
        {
            On = [.. On.Append(s).OrderBy(x => IndexOf(all, x))],
            ExitDesign = design,
            BigLock = bigLock,
        };
    }

    /// <summary>Equal when the same switches are on under the same exit design.</summary>
    public bool Equals(KernelConfig? other) =>
        other is not null && ExitDesign == other.ExitDesign && Detectors == other.Detectors && BigLock == other.BigLock && On.AsSpan().SequenceEqual(other.On);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(ExitDesign);
        h.Add(Detectors);
        h.Add(BigLock);
        foreach (var s in On) h.Add(s.Id);
        return h.ToHashCode();
    }

    private static int IndexOf(IReadOnlyList<KernelSwitch> all, KernelSwitch s)
    {
        for (int i = 0; i < all.Count; i++)
            if (ReferenceEquals(all[i], s)) return i;
        return -1;
    }
}
