using System.Diagnostics;
using System.Globalization;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using static Uvm.Bench.InvariantText;

namespace Uvm.Bench;

/// <summary>
/// One direct-engine thread against several on the same seed range (<c>uvmcheck run --parallel</c>),
/// measured so that the figures can be trusted on a shared machine: each run lasts seconds, not a
/// fraction of one (the count of schedules grows until one thread takes <see cref="Target"/>); the
/// runs alternate; beside the wall-clock ratio stand the process's CPU time per schedule, the GC's
/// pause share and collections, the load average, and a census of the explorer threads (how many
/// ran schedules, how many each, on which cores). CPU per schedule is what other load changes
/// least: if two threads need no more of it than one, two idle cores give about twice the rate.
/// </summary>
internal static class DirectScaling
{
    /// <summary>How long one thread's run should last at least.</summary>
    public static readonly TimeSpan Target = TimeSpan.FromSeconds(3);

    /// <summary>One run: its rate, the CPU it used per schedule, GC figures, the census.</summary>
    public sealed record Run(int Threads, int Schedules, TimeSpan Wall, TimeSpan Cpu, TimeSpan Paused, int Gen0, int Gen1, int Gen2, EngineCensus? Census, string Load)
    {
        public double Rate => Schedules / Wall.TotalSeconds;
        public double CpuMicrosPerSchedule => Cpu.TotalMicroseconds / Schedules;
        public double CoresBusy => Cpu / Wall;
        public double PausedShare => Paused / Wall;
        public double PausedMicrosPerSchedule => Paused.TotalMicroseconds / Schedules;

        public override string ToString() => I($"{Threads} thread(s) {Rate,7:F0}/s  cpu {CpuMicrosPerSchedule,6:F0} us/schedule ({CoresBusy:F2} cores busy)  gc {Gen0}/{Gen1}/{Gen2} paused {100 * PausedShare:F1}% ({PausedMicrosPerSchedule:F1} us/schedule)  load {Load}");
    }

    /// <summary>
    /// The schedules of <paramref name="request"/> that one thread runs in about <see cref="Target"/>,
    /// at least <paramref name="least"/>: grown from <paramref name="least"/> until a run lasts that
    /// long (a short probe alone misjudges the rate when the load changes).
    /// </summary>
    public static int Calibrate(RunRequest request, int least)
    {
        long n = least;
        for (int probe = 0; probe < 6; probe++)
        {
            var run = Measure(request with { Settings = request.Settings with { Iterations = (int)n } }, 1);
            if (run.Wall >= Target * 0.8) break;
            n = Math.Min(50_000_000, (long)(n * Math.Clamp(Target / run.Wall * 1.1, 1.5, 10)));
        }
        return (int)n;
    }

    /// <summary>Explores <paramref name="request"/> on <paramref name="threads"/> threads and measures it; the fixed kernel must be clean.</summary>
    public static Run Measure(RunRequest request, int threads)
    {
        string load = LoadAverage();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        var paused = GC.GetTotalPauseDuration();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var r = Campaign.Run(request, Shard.All, threads);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        paused = GC.GetTotalPauseDuration() - paused;
        if (r.Counterexample is not null) throw new InvalidOperationException($"{request.Scenario}: the fixed kernel failed");
        return new Run(threads, r.Iterations, r.Elapsed, cpu, paused, GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2, r.Census, load);
    }

    /// <summary>
    /// The scaling of each scenario, printed: a warm-up, the calibration, then <paramref name="rounds"/>
    /// rounds of one thread and <paramref name="threads"/> threads alternating, each round's ratio of
    /// rates and ratio of CPU per schedule, and the census of the last multi-thread run.
    /// </summary>
    public static void Print(IReadOnlyList<string> names, int least, int threads, int rounds, TextWriter log)
    {
        log.WriteLine(I($"GC: server {System.Runtime.GCSettings.IsServerGC}, latency {System.Runtime.GCSettings.LatencyMode}; processors {Environment.ProcessorCount}, cores allowed {string.Join(",", CoreAffinity.AllowedCores())}"));
        foreach (var name in names)
        {
            var s = ScenarioCatalogue.Find(name) ?? throw new ArgumentException($"no scenario {name}");
            var request = Request(s, least);
            Measure(request with { Settings = request.Settings with { Iterations = Math.Max(50, least / 5) } }, threads); // warm-up
            int n = Calibrate(request, least);
            request = request with { Settings = request.Settings with { Iterations = n } };
            log.WriteLine(I($"{name}: {n} schedules a run"));
            Run? last = null;
            for (int round = 1; round <= rounds; round++)
            {
                var one = Measure(request, 1);
                var many = Measure(request, threads);
                log.WriteLine(I($"  #{round} {one}"));
                log.WriteLine(I($"     {many}"));
                log.WriteLine(I($"     speed-up {many.Rate / one.Rate:F2}x wall clock; cpu per schedule {one.CpuMicrosPerSchedule / many.CpuMicrosPerSchedule:F2}x of one thread's (x{threads} = the speed-up on {threads} idle cores)"));
                last = many;
            }
            log.WriteLine($"  census: {last?.Census?.ToString() ?? "none"}");
        }
    }

    private static RunRequest Request(Scenario s, int schedules) =>
        new(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings { Engine = EngineKind.Direct, Iterations = schedules, Seed = 0 })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
