using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Properties;

/// <summary>
/// A named safety property: a sentence that is true when all is well, and a side-effect-free check
/// over the kernel view that returns null when it holds, or what violates it. Writing one is a name,
/// a sentence and a predicate:
/// <code>
/// Invariant.ForAll("OnProcLwpIsInMemory", "An LWP running on a CPU has its u-area in memory.",
///     k => k.Lwps, l => l.Stat != LwpStat.OnProc || l.InMemory, l => $"{l} runs with L_INMEM clear");
/// </code>
/// </summary>
public sealed record Invariant(string Name, string Summary, string Subsystem, Func<IKernelView, string?> Check)
{
    /// <summary>
    /// The parts of the kernel state the check reads (<see cref="StateDomain"/>): the stepping
    /// core judges the invariant again only after a step that wrote one of them, since a pure check
    /// of unchanged state holds again. <see cref="StateDomain.All"/> (the default) judges it after
    /// every step: an invariant that reads anything outside the declared parts must keep it.
    /// </summary>
    public StateDomain Reads { get; init; } = StateDomain.All;

    /// <summary>
    /// The invariant "every item of <paramref name="items"/> satisfies <paramref name="holds"/>";
    /// the violation names the first item that does not.
    /// </summary>
    public static Invariant ForAll<T>(string name, string summary, string subsystem,
        Func<IKernelView, IReadOnlyList<T>> items, Func<T, bool> holds, Func<T, string> describe) =>
        new(name, summary, subsystem, k =>
        {
            var list = items(k);
            // Most lists of the kernel view are List<T>: walking its span saves an interface call per item.
            if (list is List<T> concrete)
            {
                foreach (var item in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(concrete))
                    if (!holds(item)) return describe(item);
                return null;
            }
            for (int i = 0; i < list.Count; i++)
                if (!holds(list[i])) return describe(list[i]);
            return null;
        });

    /// <summary>
    /// An invariant about an event, checked where the event happens: the kernel site breaks the
    /// rule of this <paramref name="name"/> (<see cref="Model.Core.EventChecks"/>), and the check
    /// reports it after that step like any other invariant.
    /// </summary>
    public static Invariant AtEvent(string name, string summary, string subsystem) =>
        new(name, summary, subsystem, k => k.Events.Broken(name));

    /// <summary>The failure text: the invariant's tag, its sentence, and what violates it.</summary>
    public string Describe(string violation) => $"{Violation.Tag(ViolationKind.Invariant, Name)} {Summary} Violated: {violation}.";
}
