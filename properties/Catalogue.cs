using System.Reflection;

namespace Uvm.Properties;

/// <summary>
/// The invariant catalogue: every built-in invariant and liveness property, listable by name
/// (<c>uvmcheck list invariants</c>), plus those a user loads from an assembly of their own.
/// </summary>
public sealed class Catalogue
{
    /// <summary>The built-in properties, subsystem by subsystem.</summary>
    public static Catalogue BuiltIn { get; } = new(
        [.. SchedInvariants.All, .. MapInvariants.All, .. PageInvariants.All, .. SwapInvariants.All, .. ExitInvariants.All, .. LoanInvariants.All, .. PoolInvariants.All, .. CowInvariants.All, .. VnodeInvariants.All, .. LinkDetector.All, .. DataDetector.All, .. AccountingDetector.All, .. SleeperDetector.All],
        [.. SchedInvariants.Liveness, .. MapInvariants.Liveness, .. PageInvariants.Liveness, .. ExitInvariants.Liveness, .. VnodeInvariants.Liveness, .. SleeperDetector.Liveness, .. AccountingDetector.Liveness, .. LeakDetector.Liveness, .. CycleDetector.Liveness]);

    /// <summary>Creates a catalogue of the given properties.</summary>
    /// <remarks>
    /// The lists are copied into arrays: the stepping core walks the invariants after every step,
    /// and an array is the cheapest to walk (and cannot change under it).
    /// </remarks>
    public Catalogue(IReadOnlyList<Invariant> invariants, IReadOnlyList<LivenessProperty> liveness)
    {
        Invariants = invariants.ToArray();
        Liveness = liveness.ToArray();
    }

    /// <summary>
    /// Judge every invariant after every step, even one whose declared state no step has written
    /// since it last held (<see cref="Invariant.Reads"/>): for users who doubt the declarations
    /// (<c>uvmcheck run --check-every-step</c>). Both ways find the same first violation at the same step.
    /// </summary>
    public bool JudgeEveryStep { get; init; }

    /// <summary>Which invariants a step brings to judgement (built on first use, then shared by every schedule).</summary>
    public JudgingPlan Plan => _plan ??= new(Invariants, JudgeEveryStep);

    /// <summary>Backs <see cref="Plan"/>; two threads that build it at once build the same.</summary>
    private JudgingPlan? _plan;

    /// <summary>This catalogue, judging every invariant after every step (<see cref="JudgeEveryStep"/>).</summary>
    public Catalogue EveryStep() => new(Invariants, Liveness) { JudgeEveryStep = true };

    /// <summary>The safety invariants.</summary>
    public IReadOnlyList<Invariant> Invariants { get; }

    /// <summary>The liveness properties.</summary>
    public IReadOnlyList<LivenessProperty> Liveness { get; }

    /// <summary>The invariant with this name, or null.</summary>
    public Invariant? FindInvariant(string name) => Invariants.FirstOrDefault(i => i.Name == name);

    /// <summary>
    /// This catalogue plus every public static <see cref="Invariant"/> or
    /// <see cref="LivenessProperty"/> field or property of the public types of <paramref name="assembly"/>.
    /// </summary>
    public Catalogue With(Assembly assembly)
    {
        var invariants = Invariants.ToList();
        var liveness = Liveness.ToList();
        foreach (var type in assembly.GetExportedTypes())
        {
            foreach (var value in StaticValues(type))
            {
                if (value is Invariant i && invariants.All(x => x.Name != i.Name)) invariants.Add(i);
                if (value is LivenessProperty l && liveness.All(x => x.Name != l.Name)) liveness.Add(l);
            }
        }
        return new Catalogue(invariants, liveness) { JudgeEveryStep = JudgeEveryStep };
    }

    private static IEnumerable<object?> StaticValues(Type type)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
        foreach (var f in type.GetFields(flags)) yield return f.GetValue(null);
        foreach (var p in type.GetProperties(flags))
            if (p.GetIndexParameters().Length == 0) yield return p.GetValue(null);
    }
}
