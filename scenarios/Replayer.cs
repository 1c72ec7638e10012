using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>The outcome of replaying a counterexample.</summary>
public sealed record ReplayResult(
    ViolationRecord? Violation,
    IReadOnlyList<StepRecord> Steps,
    bool SameViolation,
    int? FirstDivergentStep,
    bool ModelChanged)
{
    /// <summary>True when the replay reproduced the stored violation along the stored steps.</summary>
    public bool Exact => SameViolation && FirstDivergentStep is null;
}

/// <summary>Replays a counterexample along its Coyote trace and compares with what the file says.</summary>
public static class Replayer
{
    /// <summary>
    /// Replays <paramref name="cx"/> once, exactly as recorded; <paramref name="listener"/>, if
    /// given, sees the kernel state at boot and after every step.
    /// </summary>
    public static ReplayResult Replay(Counterexample cx, Uvm.Properties.Catalogue? properties = null, IStepListener? listener = null)
    {
        var request = RequestFor(cx, properties);
        (Uvm.Properties.Violation? violation, IReadOnlyList<StepRecord> steps) result;
        try
        {
            result = Explorer.RunTrace(request, cx.Trace, listener);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InputException($"the trace does not fit this model: {e.GetBaseException().Message.ReplaceLineEndings(" ")}");
        }
        var record = result.violation is { } v ? ViolationRecord.From(v) : null;
        return new ReplayResult(
            record, result.steps,
            SameViolation: record is not null && record.Id == cx.Violation.Id,
            FirstDivergentStep: FirstDifference(cx.Steps, result.steps),
            ModelChanged: cx.ModelFingerprint != ModelFingerprint.Current);
    }

    /// <summary>The run request a counterexample describes.</summary>
    public static RunRequest RequestFor(Counterexample cx, Uvm.Properties.Catalogue? properties = null)
    {
        var catalogue = properties ?? Uvm.Properties.Catalogue.BuiltIn;
        var scenario = ScenarioCatalogue.Find(cx.Scenario);
        return new RunRequest(cx.Scenario, cx.Workload, KernelBugs.Configure(cx.Bugs), cx.Settings with { Iterations = 1 })
        {
            Properties = scenario?.PropertiesFrom(catalogue) ?? catalogue,
        };
    }

    /// <summary>The index of the first step where the two logs disagree, or null if they agree.</summary>
    public static int? FirstDifference(IReadOnlyList<StepRecord> expected, IReadOnlyList<StepRecord> actual)
    {
        int n = Math.Min(expected.Count, actual.Count);
        for (int i = 0; i < n; i++)
            if (expected[i].Thread != actual[i].Thread || expected[i].Function != actual[i].Function) return i;
        return expected.Count == actual.Count ? null : n;
    }
}
