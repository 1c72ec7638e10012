using Uvm.Scenarios;

namespace Uvm.Tests.Cli;

/// <summary>
/// What <c>uvmcheck verify</c> tells a user: the statement of what was verified, a bug with its
/// minimal bound and a file that replays, one line and exit 2 for bad input, and, for a search
/// stopped early, the largest bound it finished. Stops come from caps here, never from time.
/// </summary>
public sealed class VerifyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Uvm.Cli.Cli.Run([.. args, "--out", _dir], o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void ACompleteSearchStatesWhatItVerifiedAndEachBoundAsItEnds()
    {
        // A time budget no search of loan-share at bound 1 comes near: it ends on its own.
        var (code, output, err) = Run("verify", "-s", "loan-share", "-c", "1", "--time", "1h");

        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
        Assert.Contains("bound 0 done: every fair schedule with <= 0 preemptions explored", output);
        Assert.Contains("bound 1 done: every fair schedule with <= 1 preemptions explored", output);
        Assert.Contains("verified: loan-share, workload", output);
        Assert.Contains("every fair schedule with <= 1 preemptions (", output);
        Assert.DoesNotContain("established:", output);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void ASearchStoppedByACapStatesTheLargestBoundItFinished()
    {
        var whole = Run("verify", "-s", "loan-share", "-c", "1");
        var bound1 = whole.Out.Split('\n').Single(l => l.StartsWith("bound 1 done:"));
        long schedules = long.Parse(bound1.Split('(')[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        var (code, output, err) = Run("verify", "-s", "loan-share", "-c", "2", "--max-schedules", $"{schedules + 50}");

        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
        Assert.Contains($"incomplete: stopped by the cap of {schedules + 50} schedules before every fair schedule with <= 2 preemptions was explored", output);
        Assert.Contains($"established: loan-share, workload", output);
        Assert.Contains($"every fair schedule with <= 1 preemptions ({schedules} schedules,", output);
        Assert.DoesNotContain("bound 2 done", output);
    }

    /// <summary>
    /// The state cache is on by default and says what it saved; <c>--no-state-cache</c> runs every
    /// schedule again, and both state the same bound with the same distinct kernel states.
    /// </summary>
    [Fact]
    public void TheStateCacheIsOnByDefaultAndChangesNoStatement()
    {
        var cached = Run("verify", "-s", "loan-share", "-c", "1");
        var plain = Run("verify", "-s", "loan-share", "-c", "1", "--no-state-cache");

        Assert.True(cached.Code == 0 && plain.Code == 0, $"{cached.Out}\n{cached.Err}\n{plain.Out}\n{plain.Err}");
        Assert.Contains(", state cache", cached.Out.Split('\n')[0]);
        Assert.Contains(", no state cache", plain.Out.Split('\n')[0]);
        Assert.Matches(@"verified: loan-share, .* runs ended at a state explored before", cached.Out);
        Assert.DoesNotContain("explored before", plain.Out);
        Assert.NotEmpty(States(plain.Out));
        Assert.Equal(States(plain.Out), States(cached.Out));

        static string States(string output) =>
            System.Text.RegularExpressions.Regex.Match(output, @"verified: .*?, (\d+) distinct kernel states").Groups[1].Value;
    }

    [Fact]
    public void ASearchStoppedInsideBoundZeroEstablishesNoBound()
    {
        var (code, output, _) = Run("verify", "-s", "loan-share", "-c", "1", "--max-schedules", "2");

        Assert.Equal(0, code);
        Assert.Contains("established: no bound; not every fair schedule with 0 preemptions was explored", output);
    }

    [Fact]
    public void ABugExitsOneWithItsMinimalBoundAndAFileThatReplays()
    {
        var (code, output, err) = Run("verify", "-b", "loan-zero-page-unqueued", "-c", "1");

        Assert.True(code == 1, $"exit {code}\n{output}\n{err}");
        Assert.Contains("BUG FOUND with 0 preemption(s), the fewest that reach it", output);
        var file = Assert.Single(Directory.GetFiles(_dir, "*.json"));
        Assert.True(Replayer.Replay(CounterexampleFile.Read(file), Uvm.Properties.Catalogue.BuiltIn).SameViolation);
    }

    [Theory]
    [InlineData("--time", "soon")]
    [InlineData("--time", "-5s")]
    [InlineData("--preemptions", "9")]
    [InlineData("--max-schedules", "0")]
    [InlineData("--parallel", "0")]
    public void BadInputIsOneLineAndExitTwo(string flag, string value)
    {
        var (code, output, err) = Run("verify", "-s", "loan-share", flag, value);

        Assert.True(code == 2, $"exit {code}\n{output}\n{err}");
        Assert.Contains(flag, err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err);
    }
}
