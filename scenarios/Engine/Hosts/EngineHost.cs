using System.Diagnostics;
using System.Text.Json;
using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>Where a campaign's engines run: in this process, or each in a worker process of its own.</summary>
public interface IEngineHost
{
    /// <summary>
    /// Explores <paramref name="request"/> on one engine, keeping its threads on
    /// <paramref name="core"/> when given; <paramref name="onSchedule"/> is told after every
    /// schedule and <paramref name="cancel"/> stops the engine early (what it explored so far is
    /// reported).
    /// </summary>
    ExplorationResult Explore(RunRequest request, CancellationToken cancel, Action? onSchedule, int? core);
}

/// <summary>Engines in this process: the default, and the only host that can take step listeners.</summary>
public sealed class InProcessHost : IEngineHost
{
    /// <summary>The one instance; it holds no state.</summary>
    public static InProcessHost Instance { get; } = new();

    /// <inheritdoc/>
    public ExplorationResult Explore(RunRequest request, CancellationToken cancel, Action? onSchedule, int? core) =>
        Explorer.Run(request, cancel, onSchedule, listener: null, core);
}

/// <summary>
/// One engine, handed to a worker process: the request (the property catalogue by names, with
/// the assemblies that define the ones not built in) and the core the worker keeps to.
/// </summary>
public sealed record EngineJob(
    string Scenario,
    Workload Workload,
    KernelConfig Config,
    ExploreSettings Settings,
    IReadOnlyList<string> Invariants,
    IReadOnlyList<string> Liveness,
    IReadOnlyList<string> InvariantAssemblies,
    int? Core)
{
    /// <summary>The job of <paramref name="request"/>; <paramref name="assemblies"/> define its non-built-in properties.</summary>
    public static EngineJob From(RunRequest request, IReadOnlyList<string> assemblies, int? core) => new(
        request.Scenario, request.Workload, request.Config, request.Settings,
        [.. request.Properties.Invariants.Select(i => i.Name)], [.. request.Properties.Liveness.Select(l => l.Name)],
        [.. assemblies.Select(Path.GetFullPath)], core);

    /// <summary>The request again, its catalogue rebuilt from the built-in one and the assemblies.</summary>
    public RunRequest ToRequest()
    {
        var all = Catalogue.BuiltIn;
        foreach (var a in InvariantAssemblies) all = UserInvariantLoader.Load(all, a);
        var properties = new Catalogue(
            [.. Invariants.Select(n => all.FindInvariant(n) ?? throw new InputException($"engine job: no invariant '{n}'"))],
            [.. Liveness.Select(n => all.Liveness.FirstOrDefault(l => l.Name == n) ?? throw new InputException($"engine job: no liveness property '{n}'"))]);
        return new RunRequest(Scenario, Workload, Config, Settings) { Properties = properties };
    }
}

/// <summary>
/// Runs each engine in a worker process (<c>uvmcheck worker</c>) pinned, whole, to one core.
/// <para>
/// Why processes: .NET starts every new thread with the affinity of the process's main thread,
/// and Coyote starts a thread for every actor of every schedule, so within one process an
/// engine's threads cannot be kept on its core from birth. A worker pins its main thread before
/// Coyote starts, so all of its threads stay on one core, and two workers on two cores do not
/// disturb each other. Measured on 2 cores, swapout, 8000 schedules: one engine in process
/// 422 schedules/s, two engines in process about 470, two workers 680 (docs/benchmarks.md has
/// the current figures). A worker costs a process start and a fresh JIT, so short runs gain less.
/// </para>
/// Protocol: the job is a JSON file; the worker prints how many schedules it finished (a line at
/// most every 100 ms), stops its engine when its standard input closes (so it never outlives its
/// parent), and writes its <see cref="ExplorationResult"/> as JSON to the result file.
/// </summary>
public sealed class WorkerProcessHost(string fileName, IReadOnlyList<string> argumentsBefore, Func<string, string, IEnumerable<string>> workerArguments,
    IReadOnlyList<string> invariantAssemblies) : IEngineHost
{
    /// <summary>
    /// A host that runs <c>dotnet <paramref name="uvmcheckDll"/></c> with the arguments
    /// <paramref name="workerArguments"/> makes of a job file and a result file (the CLI's worker
    /// command: the library does not know the CLI's words), with the same <c>dotnet</c> as this
    /// process where it is one (else <c>DOTNET_HOST_PATH</c>, else the one on the PATH);
    /// <paramref name="invariantAssemblies"/> define the job's non-built-in properties;
    /// <paramref name="started"/> is told of each worker (see <see cref="Started"/>).
    /// </summary>
    public static WorkerProcessHost ForAssembly(string uvmcheckDll, Func<string, string, IEnumerable<string>> workerArguments,
        IReadOnlyList<string>? invariantAssemblies = null, Action<Process, RunRequest>? started = null)
    {
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? p
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        return new WorkerProcessHost(dotnet, [uvmcheckDll], workerArguments, invariantAssemblies ?? []) { Started = started };
    }

    /// <summary>Told of each worker process, with its engine's request, as soon as it starts (for diagnostics and for tests that kill one).</summary>
    public Action<Process, RunRequest>? Started { get; init; }

    /// <inheritdoc/>
    /// <remarks>
    /// A worker that dies (killed, out of memory, unable to start) is noticed when its output
    /// closes; its result is then a <see cref="ExplorationResult.Failure"/> with no schedules, so
    /// the campaign keeps what the other engines found. Its directory is removed either way.
    /// </remarks>
    public ExplorationResult Explore(RunRequest request, CancellationToken cancel, Action? onSchedule, int? core)
    {
        var dir = Directory.CreateTempSubdirectory("uvmcheck-worker-");
        var clock = Stopwatch.StartNew();
        int done = 0;
        try
        {
            var jobPath = Path.Combine(dir.FullName, "job.json");
            var resultPath = Path.Combine(dir.FullName, "result.json");
            File.WriteAllText(jobPath, JsonSerializer.Serialize(EngineJob.From(request, invariantAssemblies, core), Json.Options));
            using var worker = Process.Start(StartInfo(jobPath, resultPath, core)) ?? throw new InvalidOperationException($"cannot start {fileName}");
            Started?.Invoke(worker, request);
            var errors = worker.StandardError.ReadToEndAsync(CancellationToken.None);
            using (cancel.Register(() => CloseQuietly(worker)))
            {
                while (worker.StandardOutput.ReadLine() is { } line)
                    if (int.TryParse(line, out int n))
                        for (int i = 0; i < n; i++, done++) onSchedule?.Invoke();
                worker.WaitForExit();
            }
            if (worker.ExitCode != 0 || !File.Exists(resultPath))
                return Failed($"engine worker failed ({Describe(worker.ExitCode)}) after {done} schedules{Reason(errors.Result)}", clock);
            return JsonSerializer.Deserialize<ExplorationResult>(File.ReadAllText(resultPath), Json.Options)
                ?? Failed("engine worker wrote no result", clock);
        }
        catch (Exception e) when (e is IOException or JsonException or System.ComponentModel.Win32Exception or InvalidOperationException or UnauthorizedAccessException)
        {
            return Failed($"engine worker failed after {done} schedules: {e.Message.ReplaceLineEndings(" ")}", clock);
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory left behind is harmless.
            }
        }
    }

    private ProcessStartInfo StartInfo(string jobPath, string resultPath, int? core)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (core is not null)
        {
            // The worker keeps to one core: tell .NET so, or its waits spin for a second core;
            // and compile optimised code at once, as tiered compilation's background recompiles
            // would share that core (measured: exit-reaperless on one core, 189 -> 265 schedules/s).
            start.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
            start.Environment["DOTNET_TieredCompilation"] = "0";
        }
        foreach (var a in argumentsBefore) start.ArgumentList.Add(a);
        foreach (var a in workerArguments(jobPath, resultPath)) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>A failed engine: no schedules counted (its window is not explored), and why.</summary>
    private static ExplorationResult Failed(string why, Stopwatch clock) => new(0, 0, clock.Elapsed, 0, null) { Failure = why };

    /// <summary>An exit code as a person reads it: a signal's name for a killed process.</summary>
    private static string Describe(int exitCode) => exitCode switch
    {
        137 => "killed by SIGKILL, exit 137: out of memory or killed",
        > 128 and < 160 => $"killed by signal {exitCode - 128}, exit {exitCode}",
        _ => $"exit {exitCode}",
    };

    /// <summary>The first line the worker wrote to stderr (an exception's message comes first), if any, after a colon.</summary>
    private static string Reason(string stderr) =>
        stderr.Trim() is { Length: > 0 } t && t.Split('\n')[0].Trim() is var first ? ": " + (first.Length > 300 ? first[..300] + "..." : first) : "";

    private static void CloseQuietly(Process worker)
    {
        try
        {
            worker.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The worker has gone already.
        }
    }
}

/// <summary>The worker side of <see cref="WorkerProcessHost"/>.</summary>
public static class EngineWorker
{
    /// <summary>
    /// Runs the job in <paramref name="jobPath"/>: pins the process to the job's core first (every
    /// thread started later inherits it), explores, prints the schedules finished to
    /// <paramref name="progress"/> (a count per line), stops when <paramref name="stop"/> fires,
    /// and writes the result.
    /// </summary>
    public static void Run(string jobPath, string resultPath, TextWriter progress, CancellationToken stop)
    {
        var job = Json.Parse<EngineJob>(Json.ReadFile(jobPath), jobPath);
        if (job.Core is int core)
        {
            CoreAffinity.PinProcess(core);
            CoreAffinity.PinCurrentThread(core);
        }
        var request = job.ToRequest();
        // Progress goes out at most every 100 ms, as a count, so the parent wakes up rarely.
        var clock = Stopwatch.StartNew();
        int unreported = 0;
        var result = Explorer.Run(request, stop, () =>
        {
            unreported++;
            if (clock.ElapsedMilliseconds < 100) return;
            progress.WriteLine(unreported);
            progress.Flush();
            unreported = 0;
            clock.Restart();
        });
        if (unreported > 0) progress.WriteLine(unreported);
        progress.Flush();
        Json.WriteAtomically(resultPath, JsonSerializer.Serialize(result, Json.Options));
    }
}
