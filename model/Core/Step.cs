namespace Uvm.Model.Core;

/// <summary>What a kernel thread does at the end of one atomic step.</summary>
public enum StepKind
{
    /// <summary>The thread stays runnable; its next step may run at any later point.</summary>
    Continue,

    /// <summary>The thread sleeps on <see cref="Step.Channel"/> until a wakeup on it.</summary>
    Sleep,

    /// <summary>The thread has finished for good (kthread_exit, or a bounded loop ran out).</summary>
    Exit,
}

/// <summary>
/// The result of one atomic step: the kernel function it mirrors (a PlusCal-style label), and
/// whether the thread continues, sleeps or exits. Everything a kernel path does between two
/// <c>yield return</c>s runs without interleaving: one kernel critical section.
/// </summary>
public readonly record struct Step(string Function, StepKind Kind, WaitChannel Channel, bool Interruptible = false)
{
    /// <summary>A step after which the thread stays runnable.</summary>
    public static Step Ran(string function) => new(function, StepKind.Continue, default);

    /// <summary>A step that ends with the thread asleep on <paramref name="channel"/> (tsleep/ltsleep).</summary>
    public static Step Sleep(string function, WaitChannel channel) => new(function, StepKind.Sleep, channel);

    /// <summary>
    /// A step that ends with an LWP asleep on <paramref name="channel"/> with PCATCH (tsleep(...,
    /// pri | PCATCH, ...)): L_SINTR, so exit_lwps() may make it runnable.
    /// </summary>
    public static Step SleepCatch(string function, WaitChannel channel) => new(function, StepKind.Sleep, channel, Interruptible: true);

    /// <summary>A last step after which the thread never runs again.</summary>
    public static Step Exit(string function) => new(function, StepKind.Exit, default);
}
