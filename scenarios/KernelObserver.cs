using Microsoft.Coyote.Actors;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>
/// Sees every step of one iteration: records it in the kernel-level step log and hands it to the
/// invariant and liveness monitors; turns a kernel panic into a Coyote assertion failure.
/// </summary>
internal sealed class KernelObserver : IStepObserver
{
    /// <summary>The runtime of this iteration, for monitors and assertions.</summary>
    private readonly IActorRuntime _runtime;

    /// <summary>The one monitor event, reused for every step.</summary>
    private readonly StepCompleted _event;

    /// <summary>Whether the liveness monitor is registered.</summary>
    private readonly bool _liveness;

    /// <summary>The kernel observed, for the choices of each step.</summary>
    private readonly Kernel _kernel;

    /// <summary>Told the state after every step (replay, explain); null while exploring.</summary>
    private readonly IStepListener? _listener;

    /// <summary>Creates the observer and registers the monitors with their properties.</summary>
    public KernelObserver(IActorRuntime runtime, Kernel kernel, Catalogue properties, IStepListener? listener = null)
    {
        _runtime = runtime;
        _kernel = kernel;
        _listener = listener;
        listener?.Booted(kernel);
        _event = new StepCompleted(kernel);
        _liveness = properties.Liveness.Count > 0;
        var configure = new CheckProperties(properties.Invariants, properties.Liveness);
        runtime.RegisterMonitor<InvariantMonitor>();
        runtime.Monitor<InvariantMonitor>(configure);
        if (_liveness)
        {
            runtime.RegisterMonitor<LivenessMonitor>();
            runtime.Monitor<LivenessMonitor>(configure);
        }
    }

    /// <summary>The steps so far, in order.</summary>
    public List<StepRecord> Log { get; } = [];

    /// <inheritdoc/>
    public void AfterStep(KernelThread thread, in Step step)
    {
        Log.Add(new StepRecord(Log.Count, thread.Name, step.Function, step.Kind.ToString(), Choices()));
        _listener?.Stepped(_event.Kernel, Log[^1]);
        _event.Thread = thread;
        _event.Step = step;
        _runtime.Monitor<InvariantMonitor>(_event);
        if (_liveness) _runtime.Monitor<LivenessMonitor>(_event);
    }

    private IReadOnlyList<int>? Choices() => _kernel.StepChoices.Count == 0 ? null : [.. _kernel.StepChoices];

    /// <inheritdoc/>
    public void Panicked(KernelThread thread, KernelPanicException panic)
    {
        Log.Add(new StepRecord(Log.Count, thread.Name, panic.Site, "Panic", Choices()));
        _listener?.Stepped(_event.Kernel, Log[^1]);
        _runtime.Assert(false, "{0}", $"{Violation.Tag(ViolationKind.Panic, panic.Site)} panic: {panic.Site}: {panic.Detail} (in {thread.Name})");
    }
}
