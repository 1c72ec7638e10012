using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios.Engine;

namespace Uvm.Scenarios;

/// <summary>
/// Replays a file's kernel-level schedule on a model whose labels have parted from it: steps
/// renamed since the file was written, or steps the model added. Each file step runs the thread
/// the file names (so every thread keeps its order, and the threads their interleaving) until
/// that thread reaches the file's label, or the label <see cref="RenameTable"/> maps it to; a step
/// of that thread with another label is one the model added, and is absorbed: run where the file
/// runs the thread next, and reported. At most <see cref="MaxAbsorbed"/> steps are absorbed before
/// one file step; past that, where the thread cannot run, or where an absorbed step ends the run,
/// model and file part: every step of the file must be matched.
/// </summary>
public static class ScheduleAligner
{
    /// <summary>Steps of one thread the model may add before one step of the file.</summary>
    public const int MaxAbsorbed = 4;

    /// <summary>Follows <paramref name="schedule"/> as the class summary says, on a fresh kernel.</summary>
    public static ScheduleRun Align(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, RenameTable renames, IStepListener? listener = null)
    {
        var core = new StepCore(KernelBuilder.Build(workload, config), properties, listener);
        var byName = core.Kernel.Threads.ToDictionary(t => t.Name);
        var choice = new ScriptedChoice();
        var notes = new List<string>();
        ScheduleRun Part(int i, string why) => new(core.Log.Records(), null, i, why) { Alignment = notes };
        ScheduleRun End(Violation? v) => new(core.Log.Records(), v, null, null) { Alignment = notes };
        for (int i = 0; i < schedule.Count; i++)
        {
            var want = schedule[i];
            if (!byName.TryGetValue(want.Thread, out var t))
                return Part(i, $"the file runs {want.Thread}, which this workload does not have");
            var renamed = renames.RenamedTo(want.Function);
            for (int absorbed = 0; ; absorbed++)
            {
                if (!StepCore.CanRun(t))
                    return Part(i, $"the file runs {want.Thread}: {want.Function}, but {t.Name} {(t.Exited ? "has exited" : $"sleeps on {t.SleepingOn}")}");
                choice.Load(want.Choices);
                bool stopped = core.Run(t, choice) is null;
                int at = core.Log.Count - 1;
                var ran = core.Log.FunctionOf(at);
                if (ran == want.Function || ran == renamed)
                {
                    if (ran != want.Function) notes.Add($"file step {i}: {want.Thread}: '{want.Function}' is '{ran}' in this model (renames.json)");
                    if (stopped) return End(core.Violation);
                    break;
                }
                notes.Add($"model step {at}: {t.Name}: '{ran}' is not in the file; absorbed before file step {i} ({want.Function})");
                // A violation in a step the file lacks leaves the file's steps from i on unmatched:
                // that is the model's own run, not this file's, so the two part here.
                if (stopped)
                    return Part(i, $"the model stopped ({core.Violation?.Id}) in {t.Name}: {ran}, a step not in the file, before file step {i} ({want.Function})");
                if (absorbed == MaxAbsorbed)
                    return Part(i, $"the file has {want.Thread}: {want.Function}, the model ran {MaxAbsorbed + 1} other steps of {t.Name} ({ran} last)");
            }
        }
        return End(core.JudgeEnd());
    }
}
