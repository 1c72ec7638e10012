namespace Uvm.Model.Core;

/// <summary>
/// A kernel assertion failed: a KASSERT, a DIAGNOSTIC panic, or a NULL dereference the real kernel
/// would take. It ends the iteration like a panic. <see cref="Site"/> names the kernel function.
/// <see cref="DetectorViolationException"/> derives from it, so every driver reports both alike.
/// </summary>
public class KernelPanicException(string site, string message) : Exception($"panic: {site}: {message}")
{
    /// <summary>The kernel function whose assertion failed, e.g. <c>setrunqueue</c>.</summary>
    public string Site { get; } = site;

    /// <summary>The panic text, without the site.</summary>
    public string Detail { get; } = message;
}
