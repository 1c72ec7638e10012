namespace Uvm.Model.Core;

/// <summary>
/// Rules about an event rather than a state, such as "the pagedaemon never reclaims a page that
/// is on loan to the kernel", are checked where the event happens: the kernel site calls
/// <see cref="Break"/> with the rule's name and what broke it, and the invariant of that name
/// (<c>Invariant.AtEvent</c> in properties/) reports it after the step, with the same id and text
/// as any invariant. No property needs a record of past events. Only the first broken rule is
/// kept: it ends the execution.
/// </summary>
public sealed class EventChecks
{
    /// <summary>The name of the first rule broken, or null while every rule holds.</summary>
    public string? Rule { get; private set; }

    /// <summary>What broke <see cref="Rule"/>, or null.</summary>
    public string? Detail { get; private set; }

    /// <summary>What broke <paramref name="rule"/>, or null if it holds.</summary>
    public string? Broken(string rule) => Rule is not null && string.Equals(Rule, rule, StringComparison.Ordinal) ? Detail : null;

    /// <summary>The event at this site breaks <paramref name="rule"/>; <paramref name="detail"/> says how.</summary>
    internal void Break(string rule, string detail)
    {
        if (Rule is not null) return;
        Rule = rule;
        Detail = detail;
    }
}
