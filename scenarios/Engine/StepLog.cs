using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// The kernel-level schedule of one execution, kept compact while exploring (a struct per step and
/// one shared list of choices), and turned into <see cref="StepRecord"/>s only when someone reads
/// it: a failing schedule, a replay, explain. Exploring millions of steps allocates nothing here.
/// </summary>
public sealed class StepLog(Kernel kernel)
{
    /// <summary>The kernel whose threads the entries index; a reused log is pointed at the next one.</summary>
    private Kernel _kernel = kernel;

    /// <summary>The kind string of a step that panicked.</summary>
    public const string PanicKind = "Panic";

    /// <summary>One step: thread index, label, kind, and its choices in <see cref="_choices"/>.</summary>
    private readonly record struct Entry(int Thread, string Function, string Kind, int ChoiceStart, int ChoiceCount);

    private readonly List<Entry> _entries = [];
    private readonly List<int> _choices = [];

    /// <summary>Steps so far.</summary>
    public int Count => _entries.Count;

    /// <summary>The kind names, interned so a step allocates no string.</summary>
    public static string KindName(StepKind kind) => kind switch
    {
        StepKind.Continue => "Continue",
        StepKind.Sleep => "Sleep",
        StepKind.Exit => "Exit",
        _ => kind.ToString(),
    };

    /// <summary>
    /// Empties the log for a new execution of <paramref name="kernel"/>, keeping its buffers: an
    /// explorer that reads each schedule's records before the next starts reuses one log.
    /// </summary>
    internal void Reset(Kernel kernel)
    {
        _kernel = kernel;
        _entries.Clear();
        _choices.Clear();
    }

    /// <summary>Appends a step.</summary>
    public void Add(int thread, string function, string kind, List<int> choices)
    {
        _entries.Add(new Entry(thread, function, kind, _choices.Count, choices.Count));
        if (choices.Count > 0) _choices.AddRange(choices); // most steps choose nothing
    }

    /// <summary>The thread index of step <paramref name="i"/>.</summary>
    public int ThreadOf(int i) => _entries[i].Thread;

    /// <summary>The kind of step <paramref name="i"/>: Continue, Sleep, Exit or Panic.</summary>
    public string KindOf(int i) => _entries[i].Kind;

    /// <summary>The label of step <paramref name="i"/>.</summary>
    public string FunctionOf(int i) => _entries[i].Function;

    /// <summary>The last label <paramref name="thread"/> reached, or null if it has not run.</summary>
    public string? LastFunctionOf(int thread)
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
            if (_entries[i].Thread == thread) return _entries[i].Function;
        return null;
    }

    /// <summary>Step <paramref name="i"/> as a record.</summary>
    public StepRecord Record(int i)
    {
        var e = _entries[i];
        IReadOnlyList<int>? choices = e.ChoiceCount == 0 ? null : _choices.GetRange(e.ChoiceStart, e.ChoiceCount);
        return new StepRecord(i, _kernel.Threads[e.Thread].Name, e.Function, e.Kind, choices);
    }

    /// <summary>Every step as records.</summary>
    public List<StepRecord> Records()
    {
        var list = new List<StepRecord>(_entries.Count);
        for (int i = 0; i < _entries.Count; i++) list.Add(Record(i));
        return list;
    }
}
