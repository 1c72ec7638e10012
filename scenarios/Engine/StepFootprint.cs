using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// What one step touched, as the partial-order reduction of <c>uvmcheck verify</c> sees it
/// (docs/verify.md, "Recorded footprints"): the state regions declared for it
/// (<see cref="StepFootprints"/>) other than <see cref="Region.Sched"/>, and the objects and field
/// groups of <see cref="Region.Sched"/> it actually read and wrote, recorded while it ran
/// (<see cref="AccessRecorder"/>). Two steps are independent when neither conflicts with the other
/// in either part.
/// </summary>
public sealed record StepFootprint(Footprint Regions, AccessSet Objects)
{
    /// <summary>The regions recorded per object instead of declared: every accessor of their state records itself.</summary>
    public const Region Recorded = Region.Sched;

    /// <summary>Dependent on every step (a timer's step, or a step that failed).</summary>
    public static StepFootprint All { get; } = new(Footprint.All, AccessSet.Empty);

    /// <summary>The footprint of a step with declared footprint <paramref name="declared"/> that recorded <paramref name="objects"/>.</summary>
    public static StepFootprint Of(Footprint declared, AccessSet objects) =>
        new(new Footprint(declared.Reads & ~Recorded, declared.Writes & ~Recorded), objects);

    /// <summary>True when neither step writes what the other reads or writes.</summary>
    public bool IndependentOf(StepFootprint other) =>
        Regions.IndependentOf(other.Regions) && !Objects.ConflictsWith(other.Objects);

    /// <summary>Both footprints (a step run several times from one state, with different choices).</summary>
    public StepFootprint Union(StepFootprint other) => new(Regions.Union(other.Regions), Objects.Union(other.Objects));
}
