namespace Uvm.Scenarios.Explain;

/// <summary>
/// One fact that a step changed. <see cref="Before"/> is null for a fact (or entity) that appeared,
/// <see cref="After"/> null for one that went away.
/// </summary>
public sealed record FactChange(string Group, string Label, string Fact, string? Before, string? After)
{
    /// <summary>The entity's key, as <see cref="EntityState.Key"/>.</summary>
    public string Key => $"{Group}/{Label}";

    /// <summary>A change of some CPU's running LWP (<c>curlwp</c>): a context switch.</summary>
    public bool IsContextSwitch => Fact == StateDiff.CurrentFact && Before is not null && After is not null;

    /// <summary>True when the change is to <paramref name="label"/>'s facts or moves it in or out of another's.</summary>
    public bool Mentions(string label)
    {
        if (Label == label) return true;
        if (Labels.ListMoves(Before, After) is { } moved) return moved.Contains(label);
        return Labels.Mentions(Before, label) || Labels.Mentions(After, label);
    }
}

/// <summary>What one step changed: the facts that differ between the snapshots before and after it.</summary>
public sealed record StateDiff(IReadOnlyList<FactChange> Changes)
{
    /// <summary>The fact that names what an entity runs now (cpu_info's ci_curlwp); a change to it is a context switch.</summary>
    public const string CurrentFact = "Current";

    /// <summary>No change.</summary>
    public static StateDiff None { get; } = new([]);

    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>The facts that differ from <paramref name="before"/> to <paramref name="after"/>, in <paramref name="after"/>'s order.</summary>
    public static StateDiff Between(StateSnapshot before, StateSnapshot after)
    {
        var old = before.Entities.ToDictionary(e => e.Key);
        var changes = new List<FactChange>();
        foreach (var e in after.Entities)
        {
            old.Remove(e.Key, out var was);
            foreach (var f in e.Facts)
            {
                var prior = was?[f.Name];
                if (prior != f.Value) changes.Add(new FactChange(e.Group, e.Label, f.Name, prior, f.Value));
            }
            if (was is null) continue;
            foreach (var f in was.Facts)
                if (e[f.Name] is null) changes.Add(new FactChange(e.Group, e.Label, f.Name, f.Value, null));
        }
        foreach (var gone in old.Values)
            foreach (var f in gone.Facts) changes.Add(new FactChange(gone.Group, gone.Label, f.Name, f.Value, null));
        return new StateDiff(changes);
    }

    /// <summary>True when the step changed a fact of <paramref name="label"/> or one that names it.</summary>
    public bool Touches(string label) => Changes.Any(c => c.Mentions(label));

    /// <summary>The context switches in this step: <c>cpu0: lwp 1→lwp 2</c>.</summary>
    public IEnumerable<FactChange> ContextSwitches => Changes.Where(c => c.IsContextSwitch);

    /// <summary>The changes grouped by entity, in order of first change.</summary>
    public IEnumerable<IGrouping<string, FactChange>> ByEntity() => Changes.GroupBy(c => c.Key);

    /// <summary>
    /// The whole diff on one line, entity by entity, new values only: <c>lwp 1: Stat=OnProc
    /// Cpu=cpu0 −OnRunQueue; runqueue: Lwps −lwp 1</c>. A bool that became true is <c>+Name</c>, false
    /// <c>−Name</c>; a list shows what entered (+) and left (−). With <paramref name="verbose"/>, every
    /// change reads <c>Stat Run→OnProc</c>.
    /// </summary>
    public string Compact(bool verbose = false) => string.Join("; ", Parts(verbose));

    /// <summary>One part per entity, as <see cref="Compact"/> joins them.</summary>
    public IEnumerable<string> Parts(bool verbose = false) => ByEntity().Select(g => Compact(g, verbose));

    /// <summary>One entity's changes: <c>lwp 1: Stat=OnProc Cpu=cpu0</c>, or <c>+lwp 4</c> / <c>−lwp 4</c> when it appeared or went.</summary>
    public static string Compact(IEnumerable<FactChange> entityChanges, bool verbose = false)
    {
        var list = entityChanges.ToList();
        var label = list[0].Label;
        if (list.All(c => c.Before is null)) return $"+{label}";
        if (list.All(c => c.After is null)) return $"−{label}";
        return $"{label}: {string.Join(verbose ? ", " : " ", list.Select(c => Change(c, verbose)))}";
    }

    /// <summary>One fact's change: <c>Stat=OnProc</c>, <c>−InMemory</c>, <c>Lwps −lwp 1 +lwp 3</c>; verbose <c>Stat Run→OnProc</c>.</summary>
    public static string Change(FactChange c, bool verbose = false)
    {
        if (Labels.ListDelta(c.Before, c.After) is { } delta) return $"{c.Fact} {delta}";
        if (verbose) return $"{c.Fact} {c.Before ?? "∅"}→{c.After ?? "∅"}";
        return (c.Before, c.After) switch
        {
            ("false", "true") => $"+{c.Fact}",
            ("true", "false") => $"−{c.Fact}",
            (_, null) => $"−{c.Fact}",
            _ => $"{c.Fact}={c.After}",
        };
    }
}
