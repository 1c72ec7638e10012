using Uvm.Model;

namespace Uvm.Scenarios.Explain;

/// <summary>
/// Listens to a replay and keeps, for every step, the state after it, what it changed, and who
/// ran it. The actor is read from the state before the step: a thread that has an entity of its
/// own name with a <c>Current</c> fact (a CPU's curlwp) is "cpu1 running lwp 3" or "cpu1 (idle)".
/// </summary>
public sealed class SnapshotRecorder(StateDescriber describer) : IStepListener
{
    /// <summary>The state at boot, once the replay has started.</summary>
    public StateSnapshot? Boot { get; private set; }

    /// <summary>The steps so far.</summary>
    public List<ExplainedStep> Steps { get; } = [];

    /// <inheritdoc/>
    public void Booted(IKernelView kernel)
    {
        Boot = describer.Describe(kernel);
        Steps.Clear();
    }

    /// <inheritdoc/>
    public void Stepped(IKernelView kernel, StepRecord step)
    {
        var before = Steps.Count > 0 ? Steps[^1].After : Boot ?? new StateSnapshot([]);
        var after = describer.Describe(kernel);
        Steps.Add(new ExplainedStep(step, Actor(step.Thread, before), after, StateDiff.Between(before, after)));
    }

    /// <summary>"cpu1 running lwp 3", "cpu1 (idle)", or the thread's name.</summary>
    public static string Actor(string thread, StateSnapshot before)
    {
        foreach (var e in before.Named(thread))
            if (e[StateDiff.CurrentFact] is { } current)
                return current == "none" ? $"{thread} (idle)" : $"{thread} running {current}";
        return thread;
    }
}
