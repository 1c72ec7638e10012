using System.Text;

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

/// <summary>Reading labels back out of rendered values and messages.</summary>
public static class Labels
{
    /// <summary>True when <paramref name="text"/> names <paramref name="label"/> as a whole word (<c>lwp 1</c> is not in <c>lwp 12</c>).</summary>
    public static bool Mentions(string? text, string label)
    {
        if (text is null || label.Length == 0) return false;
        for (int at = text.IndexOf(label, StringComparison.Ordinal); at >= 0; at = text.IndexOf(label, at + 1, StringComparison.Ordinal))
        {
            bool startOk = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            int end = at + label.Length;
            bool endOk = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (startOk && endOk) return true;
        }
        return false;
    }

    /// <summary>For two list renderings <c>[a, b]</c>, what left and what entered (<c>−a +c</c>); null if not both lists or only the order changed.</summary>
    public static string? ListDelta(string? before, string? after)
    {
        if (Items(before) is not { } was || Items(after) is not { } now) return null;
        var gone = Minus(was, now);
        var came = Minus(now, was);
        if (gone.Count == 0 && came.Count == 0) return null;
        var sb = new StringBuilder();
        foreach (var g in gone) sb.Append(sb.Length > 0 ? " " : "").Append('−').Append(g);
        foreach (var c in came) sb.Append(sb.Length > 0 ? " " : "").Append('+').Append(c);
        return sb.ToString();
    }

    /// <summary>The items that left or entered a list (both renderings <c>[a, b]</c>); null if either is not a list.</summary>
    public static IReadOnlyList<string>? ListMoves(string? before, string? after) =>
        Items(before) is { } was && Items(after) is { } now ? [.. Minus(was, now), .. Minus(now, was)] : null;

    /// <summary>Multiset difference: each item of <paramref name="b"/> cancels one equal item of <paramref name="a"/>.</summary>
    private static List<string> Minus(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var rest = a.ToList();
        foreach (var x in b) rest.Remove(x);
        return rest;
    }

    /// <summary>The items of a list rendering <c>[a, b]</c>, or null if it is not one.</summary>
    public static IReadOnlyList<string>? Items(string? text)
    {
        if (text is null || text.Length < 2 || text[0] != '[' || text[^1] != ']') return null;
        var inner = text[1..^1];
        return inner.Length == 0 ? [] : inner.Split(", ");
    }
}
