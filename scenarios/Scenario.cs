using FsCheck.Fluent;
using Uvm.Model.Core;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>
/// A named, documented workload family: the workload it runs by default, an FsCheck generator of
/// variants, the subsystems whose properties it checks, and the iteration budget that is enough for
/// it. Listed by <c>uvmcheck list scenarios</c>.
/// </summary>
public sealed record Scenario(
    string Name,
    string Summary,
    IReadOnlyList<string> Subsystems,
    Func<Workload> DefaultWorkload,
    Func<FsCheck.Gen<Workload>> Generator)
{
    /// <summary>
    /// Built-in properties this scenario does not judge, by name, each with the reason: a finding
    /// about the kernel of the time that its workload always reaches, which would hide every other
    /// report (docs/fidelity.md records each). Empty for almost every scenario.
    /// </summary>
    public IReadOnlyDictionary<string, string> Unjudged { get; init; } = new Dictionary<string, string>();

    /// <summary>The properties of this scenario's subsystems, from <paramref name="catalogue"/>, less those it does not judge.</summary>
    public Catalogue PropertiesFrom(Catalogue catalogue) => new(
        [.. catalogue.Invariants.Where(i => (Subsystems.Contains(i.Subsystem) || i.Subsystem == Detector.Subsystem || !Catalogue.BuiltIn.Invariants.Contains(i)) && !Unjudged.ContainsKey(i.Name))],
        [.. catalogue.Liveness.Where(l => (Subsystems.Contains(l.Subsystem) || l.Subsystem == Detector.Subsystem || !Catalogue.BuiltIn.Liveness.Contains(l)) && !Unjudged.ContainsKey(l.Name))])
    {
        JudgeEveryStep = catalogue.JudgeEveryStep,
    };

    /// <summary>A constant generator, for scenarios that are one fixed workload.</summary>
    public static Func<FsCheck.Gen<Workload>> Fixed(Func<Workload> workload) => () => Gen.Constant(workload());
}
