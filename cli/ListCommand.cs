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
            Description = "scenarios, bugs or invariants (all three when omitted)",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "all",
        };
        what.AcceptOnlyFromAmong("all", "scenarios", "bugs", "invariants");
        var invariants = new Option<string[]>("--invariants") { Description = "also list the invariants of this assembly (repeatable)" };
        var cmd = new Command("list", "List the scenarios, the bug switches, or the invariants.") { what, invariants };
        cmd.SetAction(r =>
        {
            var w = r.GetValue(what);
            if (w is "all" or "scenarios") Scenarios(stdout);
            if (w is "all" or "bugs") Bugs(stdout);
            if (w is "all" or "invariants") Invariants(stdout, RunCommand.LoadInvariants(r.GetValue(invariants) ?? []));
            return Cli.Clean;
        });
        return cmd;
    }

    private static void Scenarios(TextWriter o)
    {
        o.WriteLine("Scenarios (the first is the default):");
        foreach (var s in ScenarioCatalogue.All)
            o.WriteLine($"  {s.Name,-18} [{string.Join(",", s.Subsystems)}] {s.Summary}");
    }

    private static void Bugs(TextWriter o)
    {
        o.WriteLine("Bug switches (--bug ID; default: the 2003-04 kernel, every historical bug fixed, found-by-checker bugs as it had them):");
        foreach (var b in KernelBugs.All)
        {
            var origin = b.Pr.StartsWith("kern/", StringComparison.Ordinal) ? $"PR {b.Pr}" : b.Pr;
            if (b.FoundByChecker) origin = $"[found by the checker, on by default] {origin}";
            o.WriteLine($"  {b.Id,-18} {origin}: {b.Title} (scenario {b.Scenario})");
            o.WriteLine($"  {"",-18} {b.Description}");
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
