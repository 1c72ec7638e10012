using System.Runtime.InteropServices;
using Uvm.Scenarios;
using Uvm.Tests.Scenarios;

namespace Uvm.Tests.Cli;

/// <summary>
/// Issue 22, defects 1 and 2: output paths are checked before exploring; a write that fails late
/// costs one line, never the bug found or its exit code; writes go through devices, FIFOs and
/// symlinks instead of replacing them.
/// </summary>
public sealed class OutputFailureTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-output-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => InputHardeningTests.Run(args);

    [Theory]
    [InlineData("--json")]
    [InlineData("--junit")]
    public void AReportPathThatIsADirectoryFailsBeforeExploring(string flag)
    {
        var (code, output, err) = Run("run", "--bug", "pr23095", flag, _dir, "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains($"{flag}: '{_dir}' is a directory", err);
        Assert.DoesNotContain("explored", output);
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--junit")]
    public void AReportThatCannotBeWrittenLateKeepsTheBugAndExitOne(string flag)
    {
        Assert.True(File.Exists("/dev/full"), "this test needs /dev/full (Linux): every write to it fails with ENOSPC");

        var (code, output, err) = Run("run", "--bug", "pr23095", "--no-shrink", flag, "/dev/full", "--out", _dir);

        Assert.Equal(1, code);
        Assert.Contains("BUG FOUND", output);
        Assert.Contains("cannot write the", err);
        Assert.Single(Directory.GetFiles(_dir, "*.json"));
    }

    [Fact]
    public void MergeToAFullDiskKeepsTheResultAndSaysWhy()
    {
        var report = Path.Combine(_dir, "r.json");
        Assert.Equal(0, Run("run", "--iterations", "2", "--json", report, "--out", _dir).Code);

        var (code, output, err) = Run("merge", report, "--json", "/dev/full");

        Assert.Equal(2, code);
        Assert.Contains("result: no violation", output);
        Assert.Contains("cannot write the merged JSON report to '/dev/full'", err);
    }

    [Fact]
    public void AShrunkCounterexampleThatCannotBeWrittenIsPrintedInFull()
    {
        var path = Path.Combine(_dir, "cx.json");
        CounterexampleFile.Write(found.Value, path);

        var (code, output, err) = Run("shrink", path, "--out", "/dev/full");
        const string Begin = "----- BEGIN COUNTEREXAMPLE -----\n";
        var printed = output[(output.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length)..output.IndexOf("----- END COUNTEREXAMPLE -----", StringComparison.Ordinal)];

        Assert.Equal(1, code);
        Assert.Contains("cannot write the counterexample to '/dev/full'", err);
        Assert.Equal(found.Value.Violation.Id, CounterexampleFile.Parse(printed, "stdout").Violation.Id);
    }

    [Fact]
    public void AReportWrittenThroughASymlinkKeepsTheLink()
    {
        var target = Path.Combine(_dir, "target.json");
        File.WriteAllText(target, "old");
        var link = Path.Combine(_dir, "link.json");
        File.CreateSymbolicLink(link, target);

        var (code, _, err) = Run("run", "--iterations", "2", "--json", link, "--out", _dir);

        Assert.True(code == 0, err);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Contains("\"result\": \"clean\"", File.ReadAllText(target));
    }

    [Fact]
    public async Task AReportWrittenToAFifoGoesThroughIt()
    {
        var fifo = Path.Combine(_dir, "report.fifo");
        Assert.True(OperatingSystem.IsLinux() && MakeFifo(fifo, Convert.ToUInt32("600", 8)) == 0, "this test needs mkfifo (Linux)");
        var reader = Task.Run(() => File.ReadAllText(fifo));

        var (code, _, err) = Run("run", "--iterations", "2", "--json", fifo, "--out", _dir);

        Assert.True(code == 0, err);
        Assert.Equal(FileKind.Special, FileKinds.Of(fifo));
        Assert.Contains("\"result\": \"clean\"", await reader);
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
