using System.Diagnostics;
using System.Runtime.InteropServices;
using Uvm.Scenarios;

namespace Uvm.Tests.Cli;

/// <summary>
/// Issue 22, defect 4: SIGINT and SIGTERM end a run with the summary of what it explored, its
/// reports marked interrupted, exit 130 or 143, and no worker directory left behind; a bug found
/// before the signal keeps exit 1 and its counterexample. Each test starts this build's uvmcheck
/// as a child process and signals it when a given line appears on its output, never after a sleep.
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Two billion schedules cannot end on their own within a test: only the signal ends them.</summary>
    [SignalTheory]
    [InlineData(Uvm.Cli.Interrupt.Sigint, "SIGINT", 130, "direct", 1)]
    [InlineData(Uvm.Cli.Interrupt.Sigterm, "SIGTERM", 143, "direct", 1)]
    [InlineData(Uvm.Cli.Interrupt.Sigterm, "SIGTERM", 143, "coyote", 2)]
    public void ASignalEndsACleanRunWithItsSummaryAndReports(int signal, string name, int exit, string engine, int parallel)
    {
        string json = Path.Combine(_dir, "r.json"), junit = Path.Combine(_dir, "j.xml");

        var (code, output, err) = RunUntil(line => line.StartsWith("workload:"), signal,
            "run", "--engine", engine, "--parallel", $"{parallel}", "--iterations", "2000000000", "--json", json, "--junit", junit, "--out", _dir);

        Assert.True(code == exit, $"exit {code}\n{output}\n{err}");
        Assert.Contains($"stopped early: interrupt ({name})", output);
        Assert.Contains($"interrupted by {name}", err);
        Assert.DoesNotContain("   at ", err);
        var report = RunReport.Read(json);
        Assert.Equal($"interrupt ({name})", report.StoppedBy);
        Assert.Equal("clean", report.Result);
        Assert.Contains($"explored {report.Iterations} schedules", output);
        Assert.Equal(report.Iterations, report.Windows.Sum(w => w.Iterations));
        Assert.Contains($"interrupt ({name})", File.ReadAllText(junit));
        Assert.Empty(Directory.GetDirectories(Tmp, "uvmcheck-worker-*"));
    }

    /// <summary>
    /// The signal comes once the bug is found and its unshrunk file saved, while shrinking: the run
    /// keeps exit 1, and the file it names replays to the same violation.
    /// </summary>
    [SignalFact]
    public void ASignalAfterABugIsFoundKeepsTheBugItsFileAndExitOne()
    {
        string json = Path.Combine(_dir, "r.json");

        var (code, output, err) = RunUntil(line => line.StartsWith("violation found in schedule"), Uvm.Cli.Interrupt.Sigint,
            "run", "--bug", "pr23095", "--json", json, "--out", _dir);

        Assert.True(code == 1, $"exit {code}\n{output}\n{err}");
        var report = RunReport.Read(json);
        Assert.Equal("violation", report.Result);
        Assert.NotNull(report.Counterexample);
        var cx = CounterexampleFile.Read(report.Counterexample);
        Assert.True(Replayer.Replay(cx, Uvm.Properties.Catalogue.BuiltIn).SameViolation);
        Assert.True(File.Exists(Path.ChangeExtension(report.Counterexample, ".original.json")));
    }

    /// <summary>
    /// verify stops at the signal, states the largest bound it finished (at least the one it had
    /// printed as done before the signal) and exits 128 + the signal's number. pagedaemon's bound
    /// 2 is far longer than a test, state cache or not: only the signal ends it.
    /// </summary>
    [SignalTheory]
    [InlineData(Uvm.Cli.Interrupt.Sigint, "SIGINT", 130)]
    [InlineData(Uvm.Cli.Interrupt.Sigterm, "SIGTERM", 143)]
    public void ASignalEndsVerifyWithWhatItEstablished(int signal, string name, int exit)
    {
        var (code, output, err) = RunUntil(line => line.StartsWith("bound 0 done:"), signal,
            "verify", "-s", "pagedaemon", "-c", "2", "--out", _dir);

        Assert.True(code == exit, $"exit {code}\n{output}\n{err}");
        Assert.Contains($"incomplete: stopped by interrupt ({name})", output);
        Assert.Matches(@"established: pagedaemon, .*every fair schedule with <= [01] preemptions \(", output);
        Assert.Contains($"interrupted by {name}", err);
        Assert.DoesNotContain("   at ", err);
    }

    private string Tmp => Path.Combine(_dir, "tmp");

    /// <summary>Runs uvmcheck, sends <paramref name="signal"/> once a line passes <paramref name="when"/>, and waits for it to end.</summary>
    private (int Code, string Out, string Err) RunUntil(Func<string, bool> when, int signal, params string[] args)
    {
        Directory.CreateDirectory(Tmp);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(typeof(Uvm.Cli.Cli).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TMPDIR"] = Tmp;                       // the workers' directories go here, and only theirs
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        var seen = new System.Text.StringBuilder();
        bool signalled = false;
        while (p.StandardOutput.ReadLine() is { } line)
        {
            seen.AppendLine(line);
            if (signalled || !when(line)) continue;
            Assert.Equal(0, kill(p.Id, signal));
            signalled = true;
        }
        p.WaitForExit();
        Assert.True(signalled, $"the line to signal on never came:\n{seen}\n{err.Result}");
        return (p.ExitCode, seen.ToString(), err.Result);
    }
}

/// <summary>A fact that sends POSIX signals: skipped where there are none, or where the child would ignore SIGINT.</summary>
internal sealed class SignalFactAttribute : FactAttribute
{
    public SignalFactAttribute() => Skip = Signals.WhyNot();
}

/// <summary>A theory that sends POSIX signals: skipped where there are none, or where the child would ignore SIGINT.</summary>
internal sealed class SignalTheoryAttribute : TheoryAttribute
{
    public SignalTheoryAttribute() => Skip = Signals.WhyNot();
}

/// <summary>Whether these tests can signal a child here.</summary>
internal static class Signals
{
    /// <summary>
    /// Null when they can. A process started in the background by a shell without job control has
    /// SIGINT ignored, and its children inherit that across exec (the .NET runtime keeps an inherited
    /// SIG_IGN for SIGINT): uvmcheck would never see the signal and the test would wait for ever.
    /// </summary>
    public static string? WhyNot()
    {
        if (OperatingSystem.IsWindows()) return "needs POSIX signals (kill(2))";
        if (!File.Exists("/proc/self/status")) return null;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("SigIgn:", StringComparison.Ordinal)) continue;
            var mask = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
            return (mask & (1UL << (Uvm.Cli.Interrupt.Sigint - 1))) != 0
                ? "SIGINT is ignored in this process (started in the background without job control), so the child would ignore it too"
                : null;
        }
        return null;
    }
}
