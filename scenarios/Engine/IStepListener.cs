using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>
/// Sees the kernel state of a replayed iteration: once when it boots, then after every atomic
/// step (before the invariants are checked, so the violating step is seen too). Explain and
/// <c>replay --step</c> snapshot the state here; exploration runs without one.
/// </summary>
public interface IStepListener
{
    /// <summary>
    /// The kernel is built and no thread has run yet. A replay that falls back from Coyote's trace
    /// to the kernel-level schedule boots again: forget the steps seen so far.
    /// </summary>
    void Booted(IKernelView kernel);

    /// <summary><paramref name="step"/> has just run (or panicked) in <paramref name="kernel"/>.</summary>
    void Stepped(IKernelView kernel, StepRecord step);
}
