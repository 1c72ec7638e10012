using System.CommandLine;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary>The uvmcheck command line: parses, dispatches, and maps every failure to an exit code.</summary>
public static class Cli
{
    /// <summary>No violation.</summary>
    public const int Clean = 0;

    /// <summary>A violation was found or reproduced.</summary>
    public const int BugFound = 1;

    /// <summary>Bad flags, a bad file, or anything the user must fix.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Runs the command line; output goes to the given writers so tests can read it.
    /// <paramref name="interrupt"/> delivers SIGINT and SIGTERM to the commands that stop cleanly.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Interrupt? interrupt = null)
    {
        using var none = new Interrupt();
        interrupt ??= none;
        stdout = new PrintableWriter(stdout);
        stderr = new PrintableWriter(stderr);
        var root = new RootCommand("uvmcheck: a property-based model checker for NetBSD UVM concurrency bugs.\nExit codes: 0 clean, 1 bug found, 2 usage or input error, 130/143 interrupted by SIGINT/SIGTERM.")
        {
            RunCommand.Create(stdout, stderr, interrupt),
            ReplayCommand.Create(stdout),
            ListCommand.Create(stdout),
            MergeCommand.Create(stdout, stderr),
            ShrinkCommand.Create(stdout, stderr, interrupt),
            MutateCommand.Create(stdout),
            ExplainCommand.Create(stdout, stderr),
            WorkerCommand.Create(stdout, interrupt),
            FingerprintCommand.Create(stdout),
            VerifyCommand.Create(stdout, stderr, interrupt),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) stderr.WriteLine($"uvmcheck: {e.Message}");
            stderr.WriteLine($"usage: see 'uvmcheck {string.Join(' ', CommandPath(parsed))} --help'");
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (InputException e)
        {
            stderr.WriteLine($"uvmcheck: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (BootFailure(e) is { } boot)
        {
            // The kernel under test cannot boot the workload: every schedule fails before its first
            // step, a bug of that kernel (a switch, or a model changed by hand), found without a search.
            // A replay reproduces only the file's own violation: that one no longer comes (exit 2).
            if (parsed.CommandResult.Command.Name == "replay")
            {
                stderr.WriteLine($"uvmcheck: the file's violation is not reproduced: {boot.Message}");
                return UsageError;
            }
            stdout.WriteLine($"BUG FOUND at boot: {boot.Message}");
            return BugFound;
        }
    }

    /// <summary>The boot failure inside <paramref name="e"/> (an explorer's threads wrap it in an AggregateException), or null.</summary>
    private static BootFailureException? BootFailure(Exception e) => e switch
    {
        BootFailureException b => b,
        AggregateException a => a.InnerExceptions.Select(BootFailure).FirstOrDefault(b => b is not null),
        _ when e.InnerException is { } inner => BootFailure(inner),
        _ => null,
    };

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var c = parsed.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            if (c.Command is not RootCommand) names.Insert(0, c.Command.Name);
        return names;
    }
}
