using System.CommandLine;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Cli;

/// <summary>
/// <c>uvmcheck verify</c>: every schedule of one workload with at most c preemptions, and a
/// statement of what was established. A search stopped early (a cap, <c>--time</c>, SIGINT or
/// SIGTERM) still states the largest bound it finished.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Interrupt interrupt)
    {
        var scenario = new Option<string?>("--scenario", "-s") { Description = "scenario whose default workload is verified (default: the bug's own scenario, else the default scenario)" };
        var bugs = new Option<string[]>("--bug", "-b") { Description = "switch a bug on (repeatable)", AllowMultipleArgumentsPerToken = true };
        var preemptions = new Option<int>("--preemptions", "-c") { Description = "preemption bound: every schedule with at most this many preemptions is explored", DefaultValueFactory = _ => 2 };
        var maxSchedules = new Option<long>("--max-schedules") { Description = "stop after this many schedules (the result then says it is incomplete)", DefaultValueFactory = _ => 5_000_000 };
        var maxSteps = new Option<int>("--max-steps") { Description = "kernel steps per schedule before it is cut off (and reported)", DefaultValueFactory = _ => 2000 };
        var workload = new Option<string?>("--workload", "-w") { Description = "verify this workload file (JSON) instead of the scenario's" };
        var noStates = new Option<bool>("--no-states") { Description = "do not count distinct kernel states (faster)" };
        var noPor = new Option<bool>("--no-por") { Description = "no partial-order reduction: run every schedule, also those that only reorder independent steps" };
        var noStateCache = new Option<bool>("--no-state-cache") { Description = "explore again a state already explored (by default a state met again, the whole of it: kernel, threads' positions and locals, is not; docs/verify.md, \"State caching\")" };
        var cycles = new Option<bool>("--cycles") { Description = "also judge EveryFairScheduleEnds: a state met again along one schedule after steps in which every thread that could run ran is a livelock (without it the state cache prunes it unjudged; a state fingerprint per step: 1.6-3.2 times slower)" };
        var unfair = new Option<bool>("--unfair") { Description = "also explore unfair schedules, in which a thread retrying after uvm_wait() runs again before threads that could run meanwhile (they may never end)" };
        var noBigLock = new Option<bool>("--no-big-lock") { Description = "verify the finer-locked later kernel, without the 2004 big kernel lock" };
        var parallel = new Option<int>("--parallel", "-j") { Description = "threads searching at once (the result is the same for any number)", DefaultValueFactory = _ => 1 };
        var outDir = new Option<string>("--out", "-o") { Description = "directory for the counterexample file", DefaultValueFactory = _ => "counterexamples" };
        var time = new Option<string?>("--time") { Description = "time budget, e.g. 90s, 5m: stop then and state the largest bound explored to its end" };
        var cmd = new Command("verify", "Explore every schedule with at most c preemptions (iterative context bounding); exit 1 with a counterexample if a property fails.")
        {
            scenario, bugs, preemptions, maxSchedules, maxSteps, workload, outDir, noStates, noPor, noStateCache, parallel, noBigLock, unfair, cycles, time,
        };
        cmd.SetAction((r, cancel) =>
        {
            int c = r.GetValue(preemptions);
            long max = r.GetValue(maxSchedules);
            if (c is < 0 or > 8) throw new InputException($"--preemptions: must be 0..8, is {c}");
            int threads = r.GetValue(parallel);
            if (threads is < 1 or > 256) throw new InputException($"--parallel: must be 1..256, is {threads}");
            if (max < 1) throw new InputException($"--max-schedules: must be at least 1, is {max}");
            var budget = r.GetValue(time) is { } t ? RunCommand.ParseDuration(t) : (TimeSpan?)null;
            var o = new RunCommand.RunOptions(r.GetValue(scenario), r.GetValue(bugs) ?? [], "random", 1, r.GetValue(maxSteps), 0,
                r.GetValue(outDir)!, r.GetValue(workload), null, 1, null, null, null, [], Engine: "direct", NoBigLock: r.GetValue(noBigLock));
            var request = RunCommand.RunPlan.From(o).Request with { FairVerify = !r.GetValue(unfair), VerifyCycles = r.GetValue(cycles) };
            bool por = !r.GetValue(noPor);
            bool cached = !r.GetValue(noStateCache);
            stdout.WriteLine($"uvmcheck verify: scenario {request.Scenario}, kernel {RunCommand.Describe(request.Config)}, at most {c} preemption(s), "
                + (por ? "sleep sets over declared step footprints" : "no partial-order reduction") + (request.FairVerify ? ", fair schedules" : ", unfair schedules too")
                + (cached ? ", state cache" : ", no state cache") + (request.VerifyCycles ? ", cycles judged" : ""));
            stdout.WriteLine($"workload: {request.Workload}");
            // The first SIGINT or SIGTERM, or the time budget, stops the search, which then says
            // what it established; a bug found before either keeps exit 1 and its file.
            interrupt.Arm();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, interrupt.Token);
            if (budget is { } b) stop.CancelAfter(b);
            // Each bound as it ends: a long search shows its progress, and the guarantee so far.
            var result = Verifier.Run(request, c, max, stop.Token, countStates: !r.GetValue(noStates), por: por, parallel: threads, stateCache: cached,
                onBound: e => stdout.WriteLine($"bound {e.Bound} done: {Covered(e, request, "explored ")}"));
            // Cancelled by a signal, else by the budget unless the caller's own token fired.
            if (result.StoppedBy == VerifyLimits.Cancelled)
                result = result with { StoppedBy = interrupt.Signal is { } signal ? $"interrupt ({signal})" : budget is not null && !cancel.IsCancellationRequested ? $"the time budget of {r.GetValue(time)}" : result.StoppedBy };
            int code = Report(result, request, o.OutDir, stdout);
            if (code == Cli.Clean && interrupt.Signal is { } received)
            {
                stderr.WriteLine($"uvmcheck: interrupted by {received}; the statement above covers what was explored before it");
                return Task.FromResult(interrupt.ExitCode);
            }
            return Task.FromResult(code);
        });
        return cmd;
    }

    private static int Report(VerifyResult result, RunRequest request, string outDir, TextWriter stdout)
    {
        string kernel = RunCommand.Describe(request.Config);
        var blocked = (result.Reduced ? $", {result.Blocked} runs ended by sleep sets" : "")
            + (result.Cached ? $", {result.Pruned} runs ended at a state explored before" : "");
        var tail = $"({result.Schedules} schedules, {result.DistinctStates} distinct kernel states, {result.Steps} steps{blocked}, {result.Elapsed.TotalSeconds:F1} s)";
        if (result.CutSchedules > 0)
            stdout.WriteLine($"warning: {result.CutSchedules} schedule(s) hit --max-steps and were cut off; liveness was not judged for them");
        if (result.Counterexample is { } cx)
        {
            var path = Path.Combine(outDir, CounterexampleFile.FileName(cx));
            CounterexampleFile.Write(cx, path);
            stdout.WriteLine($"BUG FOUND with {result.PreemptionsToBug} preemption(s), the fewest that reach it: {cx.Violation.Message}");
            stdout.WriteLine($"  {cx.Steps.Count} steps; searched {tail}");
            stdout.WriteLine($"counterexample: {path}");
            stdout.WriteLine($"replay with:    uvmcheck replay {path}");
            return Cli.BugFound;
        }
        if (!result.Complete)
        {
            stdout.WriteLine($"incomplete: stopped by {result.StoppedBy ?? "a cap"} before every {Fair(request)}schedule with <= {result.Bound} preemptions was explored {tail}; no violation in what was explored");
            stdout.WriteLine(result.Established is { } e
                ? $"established: {request.Scenario}, workload {request.Workload}, {kernel} kernel: {Covered(e, request, "")}"
                : $"established: no bound; not every {Fair(request)}schedule with 0 preemptions was explored");
            return Cli.Clean;
        }
        stdout.WriteLine($"verified: {request.Scenario}, workload {request.Workload}, {kernel} kernel: every {Fair(request)}schedule with <= {result.Bound} preemptions {tail}, no violation");
        return Cli.Clean;
    }

    /// <summary>What a finished bound covers, as the progress line and the "established:" statement both say it.</summary>
    private static string Covered(VerifiedBound e, RunRequest request, string verb) =>
        $"every {Fair(request)}schedule with <= {e.Bound} preemptions {verb}({e.Schedules} schedules, {e.DistinctStates} distinct kernel states, {e.Steps} steps), no violation";

    /// <summary>"fair " when verify explored fair schedules only (docs/verify.md, "Fairness").</summary>
    private static string Fair(RunRequest request) => request.FairVerify ? "fair " : "";
}
