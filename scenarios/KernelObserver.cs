using Microsoft.Coyote.Actors;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>
/// Sees every step of one iteration: records it in the kernel-level step log, checks every
/// invariant after it (a failure goes to the invariant monitor; a kernel panic is a Coyote
/// assertion failure), and keeps the liveness monitor hot exactly while some liveness property is
/// pending.
/// <para>
/// The checks run here and the monitors hear only of failures and changes: Coyote's monitor
/// dispatch cost a few microseconds and about 400 bytes per call, twice per step (measured:
/// allocation per scheduling decision 4,150 -> 2,890 bytes on swapout, bare Coyote's ping-pong
/// being 2,480; schedules/s +2 to +5%). What fails, when, and with which message is unchanged.
/// </para>
/// </summary>
internal sealed class KernelObserver : IStepObserver
{
    /// <summary>The runtime of this iteration, for the monitors and assertions.</summary>
    private readonly IActorRuntime _runtime;

    /// <summary>The kernel observed.</summary>
    private readonly Kernel _kernel;

    /// <summary>Safety invariants, checked after every step.</summary>
    private readonly IReadOnlyList<Invariant> _invariants;

    /// <summary>Liveness properties; the monitor is told when their pending status changes.</summary>
    private readonly IReadOnlyList<LivenessProperty> _liveness;

    /// <summary>Whether some liveness property was pending after the last step.</summary>
    private bool _pending;

    /// <summary>Told the state after every step (replay, explain); null while exploring.</summary>
    private readonly IStepListener? _listener;

    /// <summary>Creates the observer and registers the monitors (the liveness one when there are liveness properties).</summary>
    public KernelObserver(IActorRuntime runtime, Kernel kernel, Catalogue properties, IStepListener? listener = null)
    {
        _runtime = runtime;
        _kernel = kernel;
        _listener = listener;
        _invariants = properties.Invariants;
        _liveness = properties.Liveness;
        listener?.Booted(kernel);
        runtime.RegisterMonitor<InvariantMonitor>();
        if (_liveness.Count > 0) runtime.RegisterMonitor<LivenessMonitor>();
    }

    /// <summary>The steps so far, in order.</summary>
    public List<StepRecord> Log { get; } = [];

    /// <summary>
    /// Records the step, then checks every invariant (the first that fails is handed to the
    /// invariant monitor, which fails the iteration) and tells the liveness monitor if what is
    /// pending changed.
    /// </summary>
    public void AfterStep(KernelThread thread, in Step step)
    {
        Log.Add(new StepRecord(Log.Count, thread.Name, step.Function, step.Kind.ToString(), Choices()));
        _listener?.Stepped(_kernel, Log[^1]);
        for (int i = 0; i < _invariants.Count; i++)
            if (_invariants[i].Check(_kernel) is { } violation)
            {
                _runtime.Monitor<InvariantMonitor>(new InvariantViolated($"{_invariants[i].Describe(violation)} After {thread}: {step.Function}."));
                return;
            }
        if (_liveness.Count == 0) return;
        bool pending = false;
        for (int i = 0; i < _liveness.Count && !pending; i++)
            pending = _liveness[i].Pending(_kernel) is not null;
        if (pending == _pending) return;
        _pending = pending;
        _runtime.Monitor<LivenessMonitor>(pending ? LivenessChanged.Pending : LivenessChanged.Settled);
    }

    private IReadOnlyList<int>? Choices() => _kernel.StepChoices.Count == 0 ? null : [.. _kernel.StepChoices];

    /// <inheritdoc/>
    public void Panicked(KernelThread thread, KernelPanicException panic)
    {
        Log.Add(new StepRecord(Log.Count, thread.Name, panic.Site, "Panic", Choices()));
        _listener?.Stepped(_kernel, Log[^1]);
        _runtime.Assert(false, "{0}", $"{Violation.Tag(ViolationKind.Panic, panic.Site)} panic: {panic.Site}: {panic.Detail} (in {thread.Name})");
    }
}
