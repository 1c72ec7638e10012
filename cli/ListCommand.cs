using System.CommandLine;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary><c>uvmcheck list [scenarios|bugs|invariants]</c>: the catalogues.</summary>
internal static class ListCommand
{
    public static Command Create(TextWriter stdout)
    {
        var what = new Argument<string>("what")
        {
            Description = "scenarios, bugs, invariants or detectors (all when omitted)",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "all",
        };
        what.AcceptOnlyFromAmong("all", "scenarios", "bugs", "invariants", "detectors");
        var invariants = new Option<string[]>("--invariants") { Description = "also list the invariants of this assembly (repeatable)" };
        var cmd = new Command("list", "List the scenarios, the switches (bugs and mutations), or the invariants.") { what, invariants };
        cmd.SetAction(r =>
        {
            var w = r.GetValue(what);
            if (w is "all" or "scenarios") Scenarios(stdout);
            if (w is "all" or "bugs") Bugs(stdout);
            if (w is "all" or "invariants") Invariants(stdout, RunCommand.LoadInvariants(r.GetValue(invariants) ?? []));
            if (w is "all" or "detectors") Detectors(stdout);
            return Cli.Clean;
        });
        return cmd;
    }

    private static void Scenarios(TextWriter o)
    {
        o.WriteLine("Scenarios (the first is the default):");
        foreach (var s in ScenarioCatalogue.All)
        {
            o.WriteLine($"  {s.Name,-18} [{string.Join(",", s.Subsystems)}] {s.Summary}");
            foreach (var (name, why) in s.Unjudged) o.WriteLine($"  {"",-18} not judged: {name}: {why}");
        }
    }

    private static void Bugs(TextWriter o)
    {
        o.WriteLine("Switches (--bug ID; default: every switch off, the fixed kernel):");
        foreach (var kind in Enum.GetValues<SwitchKind>())
        {
            var of = Switches.All.Where(s => s.Kind == kind).ToList();
            if (of.Count == 0) continue;
            o.WriteLine(kind switch
            {
                SwitchKind.Historical => "  historical bugs (the pre-fix kernel):",
                SwitchKind.Discovered => "  discovered bugs (found by the checker in the 2004 kernel, fixed later):",
                _ => "  model mutations (one kernel rule broken at one site):",
            });
            foreach (var s in of)
            {
                var expected = s.Expected is { } e ? $"; expect {e}" : "";
                var origin = s.Kind == SwitchKind.Discovered ? $"[found by the checker] {s.Origin}" : s.Origin;
                o.WriteLine($"    {s.Id,-36} {origin}: {s.Title}");
                o.WriteLine($"    {"",-36} site {s.Site}; scenario {s.Scenario}{expected}");
                if (s.Description.Length > 0) o.WriteLine($"    {"",-36} {s.Description}");
            }
        }
    }

    private static void Detectors(TextWriter o)
    {
        o.WriteLine("Detectors (generic: every scenario, no bug-specific invariant):");
        foreach (var (name, rule) in Uvm.Model.Core.Detector.All)
        {
            o.WriteLine($"  {name,-44} {rule}");
            string how = name switch
            {
                Uvm.Model.Core.Detector.Accounting => "after every step, by: " + string.Join(", ", AccountingDetector.All.Select(i => i.Name)),
                Uvm.Model.Core.Detector.Links => "after every step, by: " + string.Join(", ", LinkDetector.All.Select(i => i.Name)),
                Uvm.Model.Core.Detector.Data => "after every step, by: " + string.Join(", ", DataDetector.All.Select(i => i.Name)),
                Uvm.Model.Core.Detector.Sleepers => "at the end of every execution, by: " + string.Join(", ", SleeperDetector.Liveness.Select(l => l.Name)),
                Uvm.Model.Core.Detector.LockOrder => "as each blocking acquire runs, against the orders the schedule has shown (a DetectorViolationException)",
                Uvm.Model.Core.Detector.SleepWithSpinLock => "as a step ends asleep or where it may sleep, and on entry to pool_get(PR_WAITOK) (a DetectorViolationException)",
                _ => "during the step, by the model's accessors (a DetectorViolationException)",
            };
            o.WriteLine($"  {"",-44} {how}");
        }
    }

    private static void Invariants(TextWriter o, Catalogue catalogue)
    {
        o.WriteLine("Invariants (checked after every atomic step):");
        foreach (var i in catalogue.Invariants)
            o.WriteLine($"  {i.Name,-44} [{i.Subsystem}] {i.Summary}");
        o.WriteLine("Liveness properties (checked at the end of every execution):");
        foreach (var l in catalogue.Liveness)
            o.WriteLine($"  {l.Name,-44} [{l.Subsystem}] {l.Summary}");
    }
}
