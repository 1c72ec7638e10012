using System.Diagnostics;
using Uvm.Scenarios;

namespace Uvm.Tests.Cli;

/// <summary>
/// Issue 22, defect 5, from the command line: a worker of <c>run --parallel 2</c> killed with
/// SIGKILL (as the OOM killer does) costs its window only. The run finishes the other window,
/// reports the dead worker in one line and its window as not explored, and exits 2 (no bug found
/// in what was explored, but the run is incomplete). The bug-keeping side is
/// <see cref="Scenarios.WorkerHostTests.AKilledWorkerCostsItsWindowAndNeverTheBugAnotherFound"/>.
/// </summary>
public sealed class DeadWorkerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-deadworker-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SignalFact]
    public void AKilledWorkerIsReportedAndTheRunKeepsTheOtherWindow()
    {
        Assert.True(Directory.Exists("/proc"), "this test finds the worker through /proc (Linux)");
        string json = Path.Combine(_dir, "r.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { typeof(Uvm.Cli.Cli).Assembly.Location, "run", "--engine", "coyote", "--parallel", "2", "--iterations", "2000", "--json", json, "--out", _dir })
            start.ArgumentList.Add(a);
        using var run = Process.Start(start)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var err = run.StandardError.ReadToEndAsync();

        var worker = FirstChild(run);                  // killed as soon as it exists: it cannot have finished 1000 schedules
        worker?.Kill();
        run.WaitForExit();

        Assert.NotNull(worker);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}\n{output.Result}\n{err.Result}");
        var line = Assert.Single(err.Result.Split('\n'), l => l.Contains("an engine failed"));
        Assert.Contains("not explored: engine worker failed (killed by SIGKILL", line);
        Assert.Contains("result: incomplete", output.Result);
        Assert.DoesNotContain("   at ", err.Result);
        var report = RunReport.Read(json);
        Assert.Equal("incomplete", report.Result);
        Assert.Single(report.Failures!);
        Assert.Equal([0, 1000], report.Windows.Select(w => w.Iterations).Order());
        Assert.Equal(1000, report.Iterations);
    }

    /// <summary>The first process whose parent is <paramref name="parent"/>, found in /proc once it exists; null if the parent ends first.</summary>
    private static Process? FirstChild(Process parent)
    {
        while (!parent.HasExited)
        {
            foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
            {
                string text;
                try
                {
                    text = File.ReadAllText(stat);
                }
                catch (IOException)
                {
                    continue;                           // not a process, or one that just ended
                }
                catch (UnauthorizedAccessException)
                {
                    continue;
                }
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');   // after "pid (comm) ": state, ppid, ...
                if (fields.Length > 1 && int.TryParse(fields[1], out int ppid) && ppid == parent.Id)
                    return Process.GetProcessById(int.Parse(text[..text.IndexOf(' ')]));
            }
            Thread.Sleep(2);                                // a poll for the process to appear, not a wait for time to pass
        }
        return null;
    }
}
