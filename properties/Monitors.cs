using Microsoft.Coyote.Specifications;
using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Properties;

/// <summary>
/// After every atomic step: the kernel, the thread and the step. One instance is reused for every
/// step of an iteration (monitors are invoked synchronously), so checking allocates nothing.
/// </summary>
public sealed class StepCompleted(IKernelView kernel) : Microsoft.Coyote.Specifications.Monitor.Event
{
    /// <summary>The kernel the step ran in.</summary>
    public IKernelView Kernel { get; } = kernel;

    /// <summary>The thread that ran it.</summary>
    public KernelThread? Thread { get; set; }

    /// <summary>The step.</summary>
    public Step Step { get; set; }
}

/// <summary>Hands a monitor the properties it checks, once per iteration.</summary>
public sealed class CheckProperties(IReadOnlyList<Invariant> invariants, IReadOnlyList<LivenessProperty> liveness)
    : Microsoft.Coyote.Specifications.Monitor.Event
{
    /// <summary>Safety invariants, checked after every step.</summary>
    public IReadOnlyList<Invariant> Invariants { get; } = invariants;

    /// <summary>Liveness properties, pending or not after every step.</summary>
    public IReadOnlyList<LivenessProperty> Liveness { get; } = liveness;
}

/// <summary>Checks every registered invariant after every atomic step; a violation fails the iteration.</summary>
public sealed class InvariantMonitor : Microsoft.Coyote.Specifications.Monitor
{
    /// <summary>The invariants to check.</summary>
    private IReadOnlyList<Invariant> _invariants = [];

    [Start]
    [OnEventDoAction(typeof(CheckProperties), nameof(Configure))]
    [OnEventDoAction(typeof(StepCompleted), nameof(CheckAll))]
    private sealed class Checking : State;

    private void Configure(Event e) => _invariants = ((CheckProperties)e).Invariants;

    private void CheckAll(Event e)
    {
        var step = (StepCompleted)e;
        foreach (var invariant in _invariants)
            if (invariant.Check(step.Kernel) is { } violation)
                Assert(false, "{0}", $"{invariant.Describe(violation)} After {step.Thread}: {step.Step.Function}.");
    }
}

/// <summary>
/// Hot while some liveness property is pending, cold when none is. An execution that ends hot is a
/// liveness violation; the runner names the pending property from the final kernel state.
/// </summary>
public sealed class LivenessMonitor : Microsoft.Coyote.Specifications.Monitor
{
    /// <summary>The properties to watch.</summary>
    private IReadOnlyList<LivenessProperty> _liveness = [];

    [Start]
    [Cold]
    [OnEventDoAction(typeof(CheckProperties), nameof(Configure))]
    [OnEventDoAction(typeof(StepCompleted), nameof(Observe))]
    private sealed class Settled : State;

    [Hot]
    [OnEventDoAction(typeof(StepCompleted), nameof(Observe))]
    private sealed class Pending : State;

    private void Configure(Event e) => _liveness = ((CheckProperties)e).Liveness;

    private void Observe(Event e)
    {
        var kernel = ((StepCompleted)e).Kernel;
        bool pending = false;
        foreach (var p in _liveness)
            if (p.Pending(kernel) is not null) { pending = true; break; }
        if (pending && CurrentState != typeof(Pending)) RaiseGotoStateEvent<Pending>();
        else if (!pending && CurrentState != typeof(Settled)) RaiseGotoStateEvent<Settled>();
    }
}
