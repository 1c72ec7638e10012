namespace Uvm.Scenarios.Explain;

/// <summary>One simple-valued property of a kernel entity, rendered as text: <c>Stat = OnProc</c>.</summary>
public sealed record Fact(string Name, string Value);

/// <summary>
/// One kernel entity at one moment: the <see cref="IKernelView"/> property it was found under
/// (<see cref="Group"/>: Cpus, Lwps, Uvmexp), the name it goes by in messages
/// (<see cref="Label"/>: <c>lwp 3</c>, <c>cpu1</c>, <c>uvmexp</c>), and its facts.
/// </summary>
public sealed record EntityState(string Group, string Label, IReadOnlyList<Fact> Facts)
{
    /// <summary>Unique within a snapshot: two groups may hold entities of the same label (the CPU cpu0 and the thread cpu0).</summary>
    public string Key => $"{Group}/{Label}";

    /// <summary>The value of the named fact, or null if the entity has none of that name.</summary>
    public string? this[string name] => Facts.FirstOrDefault(f => f.Name == name)?.Value;

    /// <summary>One line: <c>lwp 1: Stat=OnProc Cpu=cpu0 InMemory=false</c>.</summary>
    public override string ToString() => $"{Label}: {string.Join(" ", Facts.Select(f => $"{f.Name}={f.Value}"))}";
}

/// <summary>
/// The kernel state after one step as flat facts, taken by <see cref="StateDescriber"/> from the
/// public read-only surface of <see cref="Uvm.Model.IKernelView"/>. Holds only strings, so a
/// snapshot never changes once taken.
/// </summary>
public sealed record StateSnapshot(IReadOnlyList<EntityState> Entities)
{
    /// <summary>The entities that go by <paramref name="label"/> (one per group), in snapshot order.</summary>
    public IEnumerable<EntityState> Named(string label) => Entities.Where(e => e.Label == label);

    /// <summary>Every fact as a line <c>lwp 3.Stat = OnProc</c>, entity by entity.</summary>
    public IEnumerable<string> Lines() =>
        Entities.SelectMany(e => e.Facts.Select(f => $"{e.Label}.{f.Name} = {f.Value}"));
}
