using System.Xml.Linq;

namespace Uvm.Scenarios;

/// <summary>
/// JUnit XML for CI test UIs: one test case per scenario × bug configuration. A failure carries the
/// violated invariant, the counterexample path and the command that replays it.
/// </summary>
public static class JUnitReport
{
    /// <summary>Writes the reports as one test suite, atomically.</summary>
    public static void Write(IReadOnlyList<RunReport> reports, string path) => Json.WriteAtomically(path, Render(reports).ToString());

    /// <summary>The JUnit document.</summary>
    public static XDocument Render(IReadOnlyList<RunReport> reports)
    {
        var suite = new XElement("testsuite",
            new XAttribute("name", "uvmcheck"),
            new XAttribute("tests", reports.Count),
            new XAttribute("failures", reports.Count(r => r.Violation is not null)),
            new XAttribute("time", reports.Sum(r => r.Seconds).ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var r in reports)
        {
            var name = $"{r.Scenario} [{(r.Bugs.Count == 0 ? "fixed" : string.Join("+", r.Bugs))}] shard {string.Join(",", r.Shards)}";
            var tc = new XElement("testcase",
                new XAttribute("classname", $"uvmcheck.{r.Scenario}"),
                new XAttribute("name", name),
                new XAttribute("time", r.Seconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
            var stats = $"{r.Iterations} schedules, {r.Steps} steps, strategy {r.Strategy}, seed {r.Seed}, windows {string.Join(" ", r.Windows.Select(w => $"[{w.Start},{w.Start + w.Iterations})"))}";
            if (r.Violation is { } v)
            {
                tc.Add(new XElement("failure",
                    new XAttribute("message", $"{v.Id}"),
                    new XAttribute("type", v.Kind),
                    $"{v.Message}\ncounterexample: {r.Counterexample}\nreplay: uvmcheck replay {r.Counterexample}\n{stats}"));
            }
            else if (r.Failures is { Count: > 0 } failed)
                tc.Add(new XElement("error", new XAttribute("message", "engine failed; part of the seed range was not explored"), string.Join("\n", failed)));
            tc.Add(new XElement("system-out", stats + (r.StoppedBy is { } s ? $"; stopped early by {s}" : "")));
            suite.Add(tc);
        }
        return new XDocument(new XElement("testsuites", suite));
    }
}
