namespace Uvm.Model;

/// <summary>
/// Which process-exit design the kernel runs (kern_exit.c, kern_lwp.c, uvm_glue.c). Not a bug
/// switch: both designs are correct when every mutation of <see cref="KernelConfig"/> is off.
/// </summary>
public enum ExitDesign
{
    /// <summary>
    /// The 2004 rework (jdolecek, 2004-01-04, "Rearrange process exit path to avoid need to free
    /// resources from different process context ('reaper')"): exit1() frees the vmspace while it can
    /// still block, makes the process a zombie at once, and lwp_exit2() only caches the u-area on the
    /// uvm_uareas free list after cpu_exit() switched away. The default.
    /// </summary>
    Reaperless,

    /// <summary>
    /// The design before it (kern_exit.c rev 1.121, 2003): exit2() queues the dead process and LWP
    /// after the switch, and the reaper kernel thread frees the u-area and vmspace and only then
    /// marks the process a zombie.
    /// </summary>
    Reaper,
}
