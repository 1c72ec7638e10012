namespace Uvm.Properties;

/// <summary>What kind of check failed.</summary>
public enum ViolationKind
{
    /// <summary>A named invariant, checked after every step.</summary>
    Invariant,

    /// <summary>A kernel assertion inside the model (KASSERT, DIAGNOSTIC panic).</summary>
    Panic,

    /// <summary>A liveness property still pending when the execution ended.</summary>
    Liveness,

    /// <summary>
    /// A generic detector caught a rule broken during a step (model/Core/Detector.cs: lock discipline,
    /// use after free); the name is the detector's, e.g. <c>detector LockDiscipline</c>.
    /// </summary>
    Detector,
}

/// <summary>
/// A reported violation: its kind, the invariant name or the panicking kernel function, and the
/// full message. Every failure message starts with a tag <c>[invariant Name]</c>,
/// <c>[panic site]</c>, <c>[liveness Name]</c> or <c>[detector Name]</c>, so a Coyote bug report maps back to a name.
/// </summary>
public sealed record Violation(ViolationKind Kind, string Name, string Message)
{
    /// <summary>The tag that starts a failure message.</summary>
    public static string Tag(ViolationKind kind, string name) => $"[{kind.ToString().ToLowerInvariant()} {name}]";

    /// <summary>A short form: "invariant OnProcLwpIsInMemory".</summary>
    public string Id => IdOf(Kind, Name);

    /// <summary>The short form of a violation of <paramref name="name"/> as <paramref name="kind"/>.</summary>
    public static string IdOf(ViolationKind kind, string name) => $"{kind.ToString().ToLowerInvariant()} {name}";
}
