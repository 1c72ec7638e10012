namespace Uvm.Model.Core;

/// <summary>
/// Where a kernel object was freed, kept in the object itself (KASAN's free-track): the thread, the
/// kernel function and the step. <see cref="Discipline.Touch"/> compares one field per access.
/// </summary>
public struct Poison
{
    /// <summary>The kernel function that freed the object, or null while it is live.</summary>
    public string? FreedIn { get; internal set; }

    /// <summary>The thread whose step freed it.</summary>
    public string? FreedBy { get; internal set; }

    /// <summary>The step (0-based, as in the step log) that freed it.</summary>
    [field: NotState("only in the use-after-free message")]
    public int FreedAt { get; internal set; }

    /// <summary>True once the object is freed.</summary>
    public readonly bool Freed => FreedIn is not null;
}
