namespace Uvm.Model.Core;

/// <summary>
/// Told after every atomic step, before any other thread runs: the runner checks the invariants
/// and records the kernel-level step log here. A violation is reported through
/// <see cref="Report"/>, which ends the iteration.
/// </summary>
public interface IStepObserver
{
    /// <summary>The thread has just completed <paramref name="step"/>.</summary>
    void AfterStep(KernelThread thread, in Step step);

    /// <summary>A kernel assertion failed during a step of <paramref name="thread"/>.</summary>
    void Panicked(KernelThread thread, KernelPanicException panic);
}
