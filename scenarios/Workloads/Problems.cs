namespace Uvm.Scenarios;

/// <summary>
/// What is wrong with a workload, one line per problem, each naming its field by its path from the
/// workload's root as it reads in JSON: <c>loans.clients[1].pages: must be 0..16, is 17</c>. A
/// section validates through a view <see cref="At"/> its own name, so it names fields relative to
/// itself and never spells its prefix.
/// </summary>
public sealed class Problems
{
    /// <summary>The lines found so far, shared by every view of this collection.</summary>
    private readonly List<string> _lines;

    /// <summary>The field path this view adds problems under; empty at the root.</summary>
    private readonly string _at;

    /// <summary>An empty collection at the workload's root.</summary>
    public Problems() : this([], "")
    {
    }

    private Problems(List<string> lines, string at)
    {
        _lines = lines;
        _at = at;
    }

    /// <summary>Every problem, in the order found.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>A view that adds problems under <paramref name="field"/> (<c>clients[1]</c>, <c>[0]</c>).</summary>
    public Problems At(string field) => new(_lines, Join(_at, field));

    /// <summary>Adds "<paramref name="field"/>: <paramref name="what"/>"; an empty field names this view's own path.</summary>
    public void Add(string field, string what) => _lines.Add($"{Join(_at, field)}: {what}");

    /// <summary>Adds the problem unless <paramref name="ok"/>.</summary>
    public void Check(bool ok, string field, string what)
    {
        if (!ok) Add(field, what);
    }

    /// <summary>A path and a field below it: <c>loans</c> + <c>clients[0]</c>, or <c>lwps[0]</c> + <c>[2]</c> without a dot.</summary>
    private static string Join(string path, string field) =>
        path.Length == 0 ? field : field.Length == 0 ? path : field[0] == '[' ? path + field : $"{path}.{field}";
}
