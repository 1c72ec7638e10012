using Spectre.Console;

namespace Uvm.Cli;

/// <summary>
/// Progress of a long exploration: a live bar when stdout is a terminal, otherwise a plain log line
/// about every ten seconds, so CI logs stay readable.
/// </summary>
internal static class Progress
{
    /// <summary>
    /// Runs <paramref name="work"/>, which calls the given action once per explored schedule, out of
    /// <paramref name="total"/> (null: an open range, which the time budget ends).
    /// </summary>
    public static T Show<T>(int? total, TextWriter stdout, Func<Action, T> work)
    {
        long done = 0;
        void Tick() => Interlocked.Increment(ref done);
        if (PrintableWriter.Unwrap(stdout) != Console.Out) return work(Tick);
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            using var timer = new Timer(_ => stdout.WriteLine($"progress: {Interlocked.Read(ref done)}/{total?.ToString() ?? "open"} schedules"), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
            return work(Tick);
        }
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("exploring schedules", maxValue: total ?? double.MaxValue);
                task.IsIndeterminate = total is null;
                var run = Task.Run(() => work(Tick));
                while (!run.Wait(100)) task.Value = Interlocked.Read(ref done);
                task.Value = task.MaxValue;
                result = run.Result;
            });
        return result;
    }
}
