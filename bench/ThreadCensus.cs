using System.Globalization;
using System.Text;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Bench;

/// <summary>
/// A census of the OS threads that run kernel steps under the Coyote engine (issue 20: claims about
/// threads and cores are checked, not assumed). At every step it notes the stepping thread's
/// kernel thread id and the cores it may run on (/proc/thread-self, Linux only), so the report
/// says how many threads a schedule uses and whether each stayed on the engine's core.
/// </summary>
internal sealed class ThreadCensus : IStepListener
{
    private readonly Dictionary<string, string> _threads = [];

    /// <summary>One census row: <paramref name="schedules"/> schedules of <paramref name="s"/> under Coyote, kept to <paramref name="core"/>.</summary>
    public static string Table(Scenario s, int? core, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine("### Thread census of the Coyote engine").AppendLine();
        if (!Directory.Exists("/proc/thread-self"))
            return md.AppendLine("Not taken: /proc/thread-self is missing (not Linux).").AppendLine().ToString();
        log.WriteLine($"thread census: {s.Name}");
        const int schedules = 50;
        var census = new ThreadCensus();
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed,
            new ExploreSettings { Engine = EngineKind.Coyote, Iterations = schedules, Seed = 0 })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };
        Scenarios.Explorer.Run(request, listener: census, core: core);
        var byMask = census._threads.GroupBy(t => t.Value).Select(g => $"{g.Count()} on cores {g.Key}");
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{schedules} schedules of `{s.Name}` (fixed kernel, random strategy, seed 0), engine kept to core {core?.ToString(CultureInfo.InvariantCulture) ?? "none"}: kernel steps ran on {census._threads.Count} distinct OS thread ids ({(double)census._threads.Count / schedules:F1} per schedule; Linux reuses the id of a thread that ended, so threads created may be more): {string.Join("; ", byMask)}. Taken at each thread's first step from /proc/thread-self/status (Cpus_allowed_list)."));
        return md.AppendLine().ToString();
    }

    public void Booted(IKernelView kernel)
    {
    }

    public void Stepped(IKernelView kernel, StepRecord step)
    {
        var self = new DirectoryInfo("/proc/thread-self").LinkTarget ?? "?";
        if (_threads.ContainsKey(self)) return;
        _threads[self] = AllowedCpus();
    }

    private static string AllowedCpus()
    {
        foreach (var line in File.ReadLines("/proc/thread-self/status"))
            if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)) return line["Cpus_allowed_list:".Length..].Trim();
        return "?";
    }
}
