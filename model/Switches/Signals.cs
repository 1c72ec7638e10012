namespace Uvm.Model;

/// <summary>The switches of the stop-signal paths (model/Sched/Signals.cs) and of fork1()'s P_STOPFORK (model/Exit/ProcessFork.cs).</summary>
public static partial class Switches
{
    /// <summary>
    /// PR kern/26468 (kern_fork.c 1.116, atatat, 2004: "When stopfork is set, we need to set
    /// p_nrlwps"). Read in <see cref="Exit.ProcessFork.Fork1"/>. kern_fork.c 1.111 (2003-09) sets
    /// <c>p2->p_nrlwps = 1</c> before it tests P_STOPFORK, so a child created stopped (LSSTOP) counts
    /// as running; its SIGCONT's setrunnable() counts it again (p_nrlwps 2 for one LWP), and
    /// kpsignal1() and the p_nrlwps tests of the LWP era decide on a count that is wrong. The fix
    /// (the form kern_fork.c keeps in 1.131.2.8, 2007) sets p_nrlwps to 0 in the P_STOPFORK branch
    /// and to 1 in the other.
    /// </summary>
    public static readonly KernelSwitch Pr26468 = new("pr26468", SwitchKind.Historical, "fork1", "swapout-stop")
    {
        Kills = ["LwpCountsMatchTheirLwps"],
        Origin = "PR kern/26468",
        Title = "a child fork1() creates stopped (P_STOPFORK) counts as a running LWP",
        Description = "fork1() of kern_fork.c 1.111 sets p2->p_nrlwps = 1 before it tests the parent's P_STOPFORK, and then "
            + "makes the child SSTOP with its LWP LSSTOP: p_nrlwps counts one running LWP where none runs, and the "
            + "SIGCONT that continues the child counts it a second time.",
        Expected = "invariant LwpCountsMatchTheirLwps",
        Budget = 10,
    };

    /// <summary>issignal() stops the LWP (LSSTOP) without p_nrlwps-- (a counter update skipped), in its own stop and in proc_stop()'s of the caller. Caught by LwpCountsMatchTheirLwps.</summary>
    public static readonly KernelSwitch IssignalSkipsNrlwps = SignalMutation("issignal-skips-nrlwps", "issignal",
        "issignal() makes the LWP LSSTOP without p_nrlwps-- (a counter update skipped)")
        with { Kills = ["LwpCountsMatchTheirLwps"], Budget = 20 };

    /// <summary>
    /// proc_unstop() makes the process SACTIVE but leaves its LWPs LSSTOP (a loop skipped): a
    /// stopped-then-continued LWP never runs again. No state rule is broken (p_nrlwps does not
    /// count stopped LWPs); the liveness rule EveryLwpEventuallyExits catches it once nothing more
    /// can run.
    /// </summary>
    public static readonly KernelSwitch ProcUnstopSkipsLwps = SignalMutation("proc-unstop-skips-lwps", "proc_unstop",
        "proc_unstop() makes the process SACTIVE but leaves its LSSTOP LWPs stopped (a loop skipped): they never run again")
        with { Kills = ["EveryLwpEventuallyExits"], Budget = 20 };

    /// <summary>
    /// kpsignal1() of SIGCONT leaves a SIGSTOP already posted in ps_siglist (the
    /// <c>sigminusset(&amp;stopsigmask, ...)</c> skipped): the target's next issignal() stops it after
    /// the SIGCONT that should have cancelled the stop, and nobody continues it.
    /// </summary>
    public static readonly KernelSwitch ContLeavesStopPending = SignalMutation("cont-leaves-stop-pending", "kpsignal1",
        "kpsignal1() of SIGCONT does not take back a SIGSTOP still pending (a field not cleared): the process stops after its SIGCONT, for good")
        with { Kills = ["EveryLwpEventuallyExits"], Budget = 50 };

    /// <summary>A mutation of the stop paths, explored in swapout-stop.</summary>
    private static KernelSwitch SignalMutation(string id, string site, string title) =>
        new(id, SwitchKind.Mutation, site, "swapout-stop") { Origin = "model mutation", Title = title };
}
