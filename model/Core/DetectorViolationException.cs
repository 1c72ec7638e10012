namespace Uvm.Model.Core;

/// <summary>
/// A generic detector caught the kernel breaking a rule every path obeys (a protected field touched
/// without its lock, a freed object touched through a stale reference), during the step that broke
/// it. It derives from <see cref="KernelPanicException"/> so that every driver reports it like a
/// panic; <see cref="KernelPanicException.Site"/> is the detector's name (<see cref="Detector"/>).
/// </summary>
public sealed class DetectorViolationException(string detector, string message) : KernelPanicException(detector, message)
{
    /// <summary>The detector that fired: <see cref="Detector.LockDiscipline"/> or <see cref="Detector.UseAfterFree"/>.</summary>
    public string Detector { get; } = detector;
}
