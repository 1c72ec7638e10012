using System.CommandLine;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary>
/// <c>uvmcheck worker JOB RESULT</c>: one engine of a parallel run, started by
/// <see cref="WorkerProcessHost"/> (hidden from help: not for people). It stops when its standard
/// input closes, so a worker never outlives the run that started it.
/// </summary>
internal static class WorkerCommand
{
    /// <summary>The arguments that start this command on a job file, writing to a result file.</summary>
    public static IEnumerable<string> Arguments(string jobPath, string resultPath) => ["worker", jobPath, resultPath];

    /// <summary>Worker processes of this uvmcheck, loading <paramref name="invariants"/>; <paramref name="started"/> is told of each.</summary>
    public static WorkerProcessHost Host(string uvmcheckDll, IReadOnlyList<string>? invariants = null,
        Action<System.Diagnostics.Process, RunRequest>? started = null) =>
        WorkerProcessHost.ForAssembly(uvmcheckDll, Arguments, invariants, started);

    public static Command Create(TextWriter stdout, Interrupt interrupt)
    {
        var job = new Argument<string>("job") { Description = "engine job (JSON)" };
        var result = new Argument<string>("result") { Description = "where to write the result (JSON)" };
        var cmd = new Command("worker", "Run one engine of a parallel run (started by 'uvmcheck run --parallel').") { job, result };
        cmd.Hidden = true;
        cmd.SetAction(r =>
        {
            // A terminal's Ctrl+C reaches the workers too: it stops the engine like a closed input,
            // and the worker still writes what it explored for the run to report.
            interrupt.Arm();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt.Token);
            var watcher = new Thread(() =>
            {
                try
                {
                    while (Console.In.ReadLine() is not null)
                    {
                    }
                }
                catch (IOException)
                {
                    // A closed or broken pipe means the same as end of input.
                }
                stop.Cancel();
            }) { IsBackground = true, Name = "stdin watcher" };
            watcher.Start();
            EngineWorker.Run(r.GetValue(job)!, r.GetValue(result)!, stdout, stop.Token);
            return Cli.Clean;
        });
        return cmd;
    }
}
