using Uvm.Model.Sched;
using Uvm.Properties;

namespace Uvm.Tests.Properties;

/// <summary>
/// An invariant as a team would keep it in its own assembly and load with
/// <c>uvmcheck run --invariants their.dll</c>: a public static field of a public type.
/// </summary>
public static class UserInvariants
{
    /// <summary>A deliberately strict rule, so the test can see it fire: no LWP is ever swapped out.</summary>
    public static readonly Invariant NoLwpIsEverSwappedOut = Invariant.ForAll(
        nameof(NoLwpIsEverSwappedOut), "No LWP is ever swapped out.", "user",
        k => k.Lwps, l => l.InMemory, l => $"{l} has L_INMEM clear");
}
