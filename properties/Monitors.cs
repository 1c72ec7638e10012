using Microsoft.Coyote.Specifications;
using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Properties;

/// <summary>An invariant failed after a step; the message names it, its sentence, what violates it and the step.</summary>
public sealed class InvariantViolated(string message) : Microsoft.Coyote.Specifications.Monitor.Event
{
    /// <summary>The failure text, tagged <c>[invariant Name]</c>.</summary>
    public string Message { get; } = message;
}

/// <summary>
/// The safety monitor: fails the iteration when told an invariant failed. The checks themselves
/// run in the runner after every step (<c>KernelObserver</c>), which calls this monitor only on a
/// failure, so a step that breaks nothing costs no monitor dispatch.
/// </summary>
public sealed class InvariantMonitor : Microsoft.Coyote.Specifications.Monitor
{
    [Start]
    [OnEventDoAction(typeof(InvariantViolated), nameof(Fail))]
    private sealed class Checking : State;

    private void Fail(Event e) => Assert(false, "{0}", ((InvariantViolated)e).Message);
}

/// <summary>
/// Tells the <see cref="LivenessMonitor"/> that some liveness property has become pending, or that
/// none is any more. Sent only when that changes, not after every step: the observer works out
/// what is pending, and Coyote's monitor dispatch (a few microseconds and about 400 bytes a call)
/// is paid once per change.
/// </summary>
public sealed class LivenessChanged : Microsoft.Coyote.Specifications.Monitor.Event
{
    /// <summary>Some property became pending.</summary>
    public static readonly LivenessChanged Pending = new();

    /// <summary>No property is pending any more.</summary>
    public static readonly LivenessChanged Settled = new();
}

/// <summary>
/// Hot while some liveness property is pending, cold when none is. An execution that ends hot, or
/// (under a fair strategy) stays hot past Coyote's temperature bound, is a liveness violation; the
/// runner names the pending property from the final kernel state.
/// </summary>
public sealed class LivenessMonitor : Microsoft.Coyote.Specifications.Monitor
{
    [Start]
    [Cold]
    [OnEventDoAction(typeof(LivenessChanged), nameof(Observe))]
    private sealed class Settled : State;

    [Hot]
    [OnEventDoAction(typeof(LivenessChanged), nameof(Observe))]
    private sealed class Pending : State;

    private void Observe(Event e)
    {
        if (ReferenceEquals(e, LivenessChanged.Pending)) RaiseGotoStateEvent<Pending>();
        else RaiseGotoStateEvent<Settled>();
    }
}
