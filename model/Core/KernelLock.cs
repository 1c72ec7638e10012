namespace Uvm.Model.Core;

/// <summary>
/// The big kernel lock of the 2003-04 MULTIPROCESSOR kernel (kern_lock.c: <c>kernel_lock</c>, a
/// spin lock with a recursion count). Process context takes it on kernel entry (i386 trap.c
/// syscall_plain(): KERNEL_PROC_LOCK(l) around the system call; trap(): around uvm_fault() of a
/// user fault), kernel threads hold it from proc_trampoline_mp() on (kern_synch.c), and mi_switch()
/// gives it up across every sleep (<c>hold_count = KERNEL_LOCK_RELEASE_ALL()</c>) and takes it
/// back when the LWP runs again (<c>KERNEL_LOCK_ACQUIRE_COUNT(hold_count)</c>). exit1() and
/// lwp_exit() drop it before cpu_exit() (kern_exit.c, kern_lwp.c: "This LWP no longer needs to
/// hold the kernel lock"), so lwp_exit2() on the idle stack runs without it; so do the idle loop's
/// cpu_switch() (sched_lock only) and preempt() from the user-mode AST (trap.c T_ASTFLT). An
/// interrupt takes it recursively on the CPU it arrives on, so the model's clock never waits for it.
/// <para>
/// Modelled in <see cref="KernelThread.Advance"/>: a step that needs the lock while another thread
/// holds it does nothing but spin, a sleep on <see cref="Channel"/> that the holder's release wakes;
/// a thread keeps the lock across its steps while <see cref="KernelThread.KeepsKernelLock"/> says
/// it is still in the kernel. Off (<see cref="KernelConfig.BigLock"/> false: <c>--no-big-lock</c>),
/// every critical section interleaves, as in the finer-locked kernels that followed.
/// </para>
/// </summary>
public sealed class KernelLock
{
    /// <summary>Where a CPU spins for the lock (spinlockmgr(&amp;kernel_lock, LK_EXCLUSIVE)).</summary>
    public static readonly WaitChannel Channel = new("kernel_lock", Spin: true);

    /// <summary>The thread (the CPU running it) that holds the lock between steps, or null.</summary>
    public KernelThread? Holder { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => Holder is { } h ? $"kernel_lock held by {h.Name}" : "kernel_lock free";
}
