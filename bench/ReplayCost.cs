using System.Diagnostics;
using System.Globalization;
using System.Text;
using Uvm.Scenarios;
using static Uvm.Bench.InvariantText;

namespace Uvm.Bench;

/// <summary>
/// What one replay costs in each engine (issue 20 item 2): every committed counterexample under
/// regressions/schedules/ replayed by its kernel-level schedule in the in-process loop and with
/// the Coyote actors (<c>uvmcheck replay FILE --engine direct|coyote</c>). The two replays of a
/// file alternate over several rounds in one process, after a warm-up of each; the table gives
/// each one's median in milliseconds of this process's CPU time (the machine is shared) and of
/// wall-clock time; reading the file, the same for both, is left out.
/// </summary>
public static class ReplayCost
{
    /// <summary>Replays each file <paramref name="rounds"/> times per engine and returns the Markdown table.</summary>
    public static string Table(string corpus, int rounds, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine("## What one replay costs").AppendLine();
        md.AppendLine(I($"Each committed counterexample of regressions/schedules/, replayed by its kernel-level schedule as `uvmcheck replay FILE --engine direct` and `--engine coyote` do, in one process; the two alternate, {rounds} rounds after a warm-up, median milliseconds per replay: CPU time of the process, and wall-clock time.")).AppendLine();
        md.AppendLine("| file | steps | direct: CPU ms | coyote: CPU ms | coyote ÷ direct | direct: wall ms | coyote: wall ms |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        var files = Directory.EnumerateFiles(corpus, "*.json").Order().ToList();
        double sumDirect = 0, sumCoyote = 0, sumDirectWall = 0, sumCoyoteWall = 0;
        foreach (var path in files)
        {
            var cx = CounterexampleFile.Read(path);
            var times = new Dictionary<EngineKind, List<(double Cpu, double Wall)>> { [EngineKind.Direct] = [], [EngineKind.Coyote] = [] };
            foreach (var e in times.Keys) Replay(cx, e);
            for (int r = 0; r < rounds; r++)
                foreach (var e in times.Keys) times[e].Add(Replay(cx, e));
            double d = Median(times[EngineKind.Direct].ConvertAll(t => t.Cpu)), c = Median(times[EngineKind.Coyote].ConvertAll(t => t.Cpu));
            double dw = Median(times[EngineKind.Direct].ConvertAll(t => t.Wall)), cw = Median(times[EngineKind.Coyote].ConvertAll(t => t.Wall));
            sumDirect += d;
            sumCoyote += c;
            var name = Path.GetFileNameWithoutExtension(path);
            sumDirectWall += dw;
            sumCoyoteWall += cw;
            log.WriteLine(I($"{name}: direct {d:F2} ms, coyote {c:F2} ms"));
            md.AppendLine(I($"| {name} | {cx.Steps.Count} | {d:F2} | {c:F2} | {c / d:F0}x | {dw:F2} | {cw:F2} |"));
        }
        md.AppendLine(I($"| all {files.Count} files | | {sumDirect:F1} | {sumCoyote:F1} | {sumCoyote / sumDirect:F0}x | {sumDirectWall:F1} | {sumCoyoteWall:F1} |"));
        return md.ToString();
    }

    /// <summary>One replay's CPU and wall-clock milliseconds; a replay that does not reproduce is a broken corpus, not a figure.</summary>
    private static (double Cpu, double Wall) Replay(Counterexample cx, EngineKind engine)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var result = Replayer.Replay(cx, engine: engine);
        wall.Stop();
        var ms = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        if (!result.Exact) throw new InvalidOperationException($"{cx.Scenario}: the {engine} replay does not reproduce ({result.PartReason})");
        return (ms, wall.Elapsed.TotalMilliseconds);
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
