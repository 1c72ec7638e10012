using System.Collections.Frozen;
using System.Text.Json;

namespace Uvm.Scenarios;

/// <summary>One renamed step label: files say <see cref="From"/>, the model now says <see cref="To"/>.</summary>
public sealed record LabelRename(string From, string To, string? Why = null);

/// <summary>
/// The step labels the model renamed, old to new, so that replay maps a file's old labels to the
/// model's (<see cref="ScheduleAligner"/>). The repository's table is
/// <c>scenarios/Engine/Replay/renames.json</c>, built into this assembly; a rename chain (a to b,
/// b to c) maps a to c.
/// </summary>
public sealed class RenameTable
{
    /// <summary>The table in the repository (scenarios/Engine/Replay/renames.json).</summary>
    public static RenameTable Repository { get; } = Load();

    /// <summary>An empty table: labels map to themselves.</summary>
    public static RenameTable None { get; } = new([]);

    /// <summary>Old label to new label.</summary>
    private readonly FrozenDictionary<string, string> _to;

    /// <summary>A table of <paramref name="renames"/>; a label renamed twice is an <see cref="InputException"/>.</summary>
    public RenameTable(IEnumerable<LabelRename> renames)
    {
        Renames = [.. renames];
        var to = new Dictionary<string, string>();
        foreach (var r in Renames)
            if (!to.TryAdd(r.From, r.To)) throw new InputException($"renames: '{r.From}' is renamed twice");
        _to = to.ToFrozenDictionary();
    }

    /// <summary>The entries, in the table's order.</summary>
    public IReadOnlyList<LabelRename> Renames { get; }

    /// <summary>The label the model uses for a file's <paramref name="label"/> (following chains), or null if it was never renamed.</summary>
    public string? RenamedTo(string label)
    {
        string? to = null;
        for (int hops = 0; hops <= _to.Count && _to.TryGetValue(to ?? label, out var next); hops++) to = next;
        return to;
    }

    private static RenameTable Load()
    {
        using var stream = typeof(RenameTable).Assembly.GetManifestResourceStream("Uvm.Scenarios.Replay.renames.json")
            ?? throw new InvalidOperationException("renames.json is not built into Uvm.Scenarios");
        var file = JsonSerializer.Deserialize<RenameFile>(stream, Json.Options) ?? throw new InvalidOperationException("renames.json is empty");
        return new RenameTable(file.Renames);
    }

    /// <summary>renames.json: a note for people, and the entries.</summary>
    private sealed record RenameFile(string About, IReadOnlyList<LabelRename> Renames);
}
