using System.Diagnostics;
using Uvm.Scenarios;

namespace Uvm.Tests.Cli;

/// <summary>
/// Issue 22: uvmcheck as a non-root user (as CI runners and developers run it). As root the test
/// switches to <c>nobody</c> with setpriv; as any other user it runs as itself.
/// </summary>
public sealed class NonRootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-nonroot-").FullName;

    public NonRootTests()
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_dir, (UnixFileMode)0b111_111_111);   // nobody writes counterexamples here
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [NonRootFact]
    public void AReportToDevNullIsWrittenThroughAndDevNullStaysADevice()
    {
        var (code, output, err) = RunAsNonRoot("run", "--iterations", "2", "--json", "/dev/null", "--out", _dir);

        Assert.True(code == 0, err);
        Assert.Contains("result: no violation", output);
        Assert.Equal(FileKind.Special, FileKinds.Of("/dev/null"));
    }

    [NonRootFact]
    public void AReportPathTheUserCannotWriteFailsBeforeExploring()
    {
        var forbidden = Path.Combine(AppContext.BaseDirectory, $"forbidden-{Guid.NewGuid():N}.json");   // the build output: not the user's

        var (code, output, err) = RunAsNonRoot("run", "--iterations", "2", "--json", forbidden, "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains("--json: cannot write", err);
        Assert.DoesNotContain("explored", output);
        Assert.DoesNotContain("   at ", err);
    }

    private static (int Code, string Out, string Err) RunAsNonRoot(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.IsPrivilegedProcess ? NonRootFactAttribute.Setpriv : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Environment.IsPrivilegedProcess)
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", "dotnet" }) start.ArgumentList.Add(a);
        start.ArgumentList.Add(typeof(Uvm.Cli.Cli).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }
}

/// <summary>A fact that needs a non-root user: skipped, with the reason, where the machine cannot switch to one.</summary>
public sealed class NonRootFactAttribute : FactAttribute
{
    /// <summary>setpriv(1), which switches a root process to another user.</summary>
    public const string Setpriv = "/usr/bin/setpriv";

    public NonRootFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "needs Linux (setpriv, /dev/null as a device)";
        else if (Environment.IsPrivilegedProcess && !File.Exists(Setpriv)) Skip = "running as root without /usr/bin/setpriv to switch to nobody";
    }
}
