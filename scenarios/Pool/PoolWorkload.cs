namespace Uvm.Scenarios;

/// <summary>
/// The <c>pools</c> section of a workload (<see cref="PoolSection"/>): with it, fork1() and
/// proc_free() take struct proc and struct lwp from proc_pool and lwp_pool, and the pagedaemon's
/// drain calls pool_drain() first (subr_pool.c, 2003-04). Needs the exit section (fork, wait4 and
/// the pagedaemon's drain).
/// </summary>
public sealed record PoolWorkload
{
    /// <inheritdoc/>
    public override string ToString() => "proc, lwp and map-entry pools, pool_drain";
}
