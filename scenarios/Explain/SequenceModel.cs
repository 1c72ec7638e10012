namespace Uvm.Scenarios.Explain;

/// <summary>A lifeline of the sequence diagram: a kernel thread, or a shared object the threads change.</summary>
public sealed record Lifeline(string Id, string Label, bool IsThread);

/// <summary>
/// One arrow of a step: from the thread that ran it to the lifeline whose state it changed (itself
/// for its own state, or when it changed nothing), with what changed there.
/// </summary>
public sealed record Message(string From, string To, string Changes);

/// <summary>A step as arrows, in the diagram's order: the first arrow carries the step number and function.</summary>
public sealed record StepArrows(ExplainedStep Step, IReadOnlyList<Message> Messages);

/// <summary>
/// The sequence diagram of an explanation, independent of how it is drawn: one lifeline per kernel
/// thread (in the order the view lists them), then one per shared object in the order the steps
/// first change it. An entity named like a thread (the CPU cpu0 and the thread cpu0) is that
/// thread's own state, drawn on its lifeline.
/// </summary>
public sealed class SequenceModel
{
    /// <summary>Every lifeline by its label.</summary>
    private readonly Dictionary<string, Lifeline> _byLabel = [];

    /// <summary>Every lifeline, threads first.</summary>
    public List<Lifeline> Lifelines { get; } = [];

    /// <summary>The arrows of every step, in schedule order.</summary>
    public List<StepArrows> Steps { get; } = [];

    /// <summary>Lays out every step of <paramref name="e"/>.</summary>
    public SequenceModel(Explanation e)
    {
        var threads = e.Steps.Select(s => s.Thread).ToHashSet();
        foreach (var entity in e.Boot.Entities)
            if (threads.Contains(entity.Label)) Add(entity.Label, true);
        foreach (var s in e.Steps) Add(s.Thread, true);
        // Shared objects in the order the view lists them (LWPs together), then any the view no longer lists.
        var touched = e.Steps.SelectMany(s => s.Diff.Changes.Select(c => c.Label)).ToHashSet();
        foreach (var entity in e.Boot.Entities.Concat(e.Final.Entities))
            if (touched.Contains(entity.Label)) Add(entity.Label, false);
        foreach (var s in e.Steps) Steps.Add(Arrows(s));
    }

    /// <summary>The lifeline of a label.</summary>
    public Lifeline this[string label] => _byLabel[label];

    private StepArrows Arrows(ExplainedStep s)
    {
        var from = this[s.Thread].Id;
        var messages = new List<Message>();
        foreach (var group in s.Diff.ByEntity().GroupBy(g => g.First().Label))
        {
            var to = Add(group.Key, false).Id;
            messages.Add(new Message(from, to, string.Join(" ", group.Select(Describe))));
        }
        // The thread's own state first, so its arrow carries the function name.
        messages.Sort((a, b) => (b.To == from).CompareTo(a.To == from));
        if (messages.Count == 0) messages.Add(new Message(from, from, ""));
        return new StepArrows(s, messages);
    }

    /// <summary>One entity's changes without its label (the lifeline says it): <c>Stat=OnProc −OnRunQueue</c>.</summary>
    private static string Describe(IEnumerable<FactChange> entityChanges)
    {
        var list = entityChanges.ToList();
        if (list.All(c => c.Before is null)) return "created";
        if (list.All(c => c.After is null)) return "gone";
        return string.Join(" ", list.Select(c => StateDiff.Change(c)));
    }

    private Lifeline Add(string label, bool thread)
    {
        if (_byLabel.TryGetValue(label, out var known)) return known;
        var line = new Lifeline($"{(thread ? "t" : "o")}{Lifelines.Count}", label, thread);
        _byLabel[label] = line;
        Lifelines.Add(line);
        return line;
    }
}
