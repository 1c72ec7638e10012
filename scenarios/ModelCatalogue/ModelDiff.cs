namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>
/// What changed between the model a file was written with and this one, in kernel terms: step
/// labels added, removed or renamed (by declaring member), switches and invariants renamed, added
/// or removed, workload records whose fields changed.
/// </summary>
public static class ModelDiff
{
    /// <summary>At most this many items are named per line; the rest are counted.</summary>
    private const int MaxNamed = 8;

    /// <summary>
    /// The note replay and explain print for a file written with another model: the two
    /// fingerprints, then one indented line per change. Empty when the model is the same.
    /// </summary>
    public static IReadOnlyList<string> Note(Counterexample cx)
    {
        if (cx.ModelFingerprint == ModelFingerprint.Current) return [];
        return [$"note: the model changed since the file was written (fingerprint {cx.ModelFingerprint}, now {ModelFingerprint.Current}):",
            .. Between(cx.Model, ModelDescription.Current).Select(l => "  " + l)];
    }

    /// <summary>One line per change; empty when the two describe the same model.</summary>
    public static IReadOnlyList<string> Between(ModelDescription? recorded, ModelDescription current)
    {
        if (recorded is null) return ["the file does not record the model's catalogue (it predates it), so what changed cannot be said"];
        var lines = new List<string>();
        Labels(recorded.Labels, current.Labels, lines);
        Named("switch", recorded.Switches, current.Switches, lines);
        Named("property", recorded.Properties, current.Properties, lines);
        Schema(recorded.WorkloadSchema, current.WorkloadSchema, lines);
        if (lines.Count == 0 && recorded.Fingerprint() != current.Fingerprint())
            lines.Add("the same labels, switches, properties and workload fields, in another order");
        return lines;
    }

    private static void Labels(IReadOnlyList<string> before, IReadOnlyList<string> after, List<string> lines)
    {
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        var renames = new Dictionary<string, string>();
        foreach (var member in removed.Select(Member).Distinct().ToList())
        {
            var gone = removed.Where(r => Member(r) == member).ToList();
            var come = added.Where(a => Member(a) == member).ToList();
            if (gone.Count != 1 || come.Count != 1) continue;
            lines.Add($"step label renamed in {member}: '{Label(gone[0])}' → '{Label(come[0])}'");
            renames[gone[0]] = come[0];
            removed.Remove(gone[0]);
            added.Remove(come[0]);
        }
        if (removed.Count > 0) lines.Add($"step labels removed: {List(removed)}");
        if (added.Count > 0) lines.Add($"step labels added: {List(added)}");
        var mapped = before.Select(l => renames.GetValueOrDefault(l, l)).ToList();
        if (removed.Count == 0 && added.Count == 0 && !mapped.SequenceEqual(after))
        {
            var moved = mapped.Where((l, i) => i >= after.Count || after[i] != l).Select(Member).Distinct().ToList();
            if (moved.Count > 0) lines.Add($"step labels reordered in {List(moved)}");
        }
    }

    private static void Named(string what, IReadOnlyList<string> before, IReadOnlyList<string> after, List<string> lines)
    {
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        foreach (var kind in removed.Select(Kind).Distinct().ToList())
        {
            var gone = removed.Where(r => Kind(r) == kind).ToList();
            var come = added.Where(a => Kind(a) == kind).ToList();
            if (gone.Count != come.Count) continue;
            for (int i = 0; i < gone.Count; i++) lines.Add($"{kind} renamed: {Name(gone[i])} → {Name(come[i])}");
            removed.RemoveAll(gone.Contains);
            added.RemoveAll(come.Contains);
        }
        if (removed.Count > 0) lines.Add($"{what} removed: {List(removed)}");
        if (added.Count > 0) lines.Add($"{what} added: {List(added)}");
    }

    private static void Schema(IReadOnlyList<string> before, IReadOnlyList<string> after, List<string> lines)
    {
        var was = before.ToDictionary(l => l.Split(' ')[0], Fields);
        var now = after.ToDictionary(l => l.Split(' ')[0], Fields);
        foreach (var type in was.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            var gone = was.GetValueOrDefault(type, []).Except(now.GetValueOrDefault(type, [])).ToList();
            var come = now.GetValueOrDefault(type, []).Except(was.GetValueOrDefault(type, [])).ToList();
            if (gone.Count + come.Count == 0) continue;
            var parts = new List<string>();
            if (come.Count > 0) parts.Add($"added {List(come)}");
            if (gone.Count > 0) parts.Add($"removed {List(gone)}");
            lines.Add($"workload record {type}: {string.Join("; ", parts)}");
        }
    }

    /// <summary>The fields of a schema line, "cpus: Int32" each, plus its discriminators as one item.</summary>
    private static List<string> Fields(string line)
    {
        int open = line.IndexOf("{ ", StringComparison.Ordinal), close = line.LastIndexOf(" }", StringComparison.Ordinal);
        var fields = open < 0 || close <= open ? [] : line[(open + 2)..close].Split(", ", StringSplitOptions.RemoveEmptyEntries).ToList();
        if (close >= 0 && line[(close + 2)..].Trim() is { Length: > 0 } poly) fields.Add(poly);
        return fields;
    }

    /// <summary>"Swapout.SwapoutLwp" of "Swapout.SwapoutLwp: uvm_swapout".</summary>
    private static string Member(string key) => key[..Math.Max(0, key.IndexOf(": ", StringComparison.Ordinal))];

    private static string Label(string key) => key[(key.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    /// <summary>"bug" of "bug pr23095".</summary>
    private static string Kind(string line) => line.Split(' ')[0];

    private static string Name(string line) => line[(line.IndexOf(' ') + 1)..];

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(MaxNamed)) + (items.Count > MaxNamed ? $" and {items.Count - MaxNamed} more" : "");
}
