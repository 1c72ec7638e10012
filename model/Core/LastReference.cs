namespace Uvm.Model.Core;

/// <summary>
/// Who dropped an object's reference count to 0, and at which step, kept in the object for
/// <see cref="Discipline.Counted"/>'s report: the thread that dropped the last reference is the one
/// that frees the object, so a reference taken after it names both steps.
/// </summary>
[NotState("only in the reference-count report")]
public struct LastReference
{
    /// <summary>The thread whose step took the count to 0, or null while it has not been 0.</summary>
    public string? DroppedBy { get; internal set; }

    /// <summary>That step (0-based, as in the step log).</summary>
    public int DroppedAt { get; internal set; }
}
