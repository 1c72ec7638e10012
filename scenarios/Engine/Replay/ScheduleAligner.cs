using Uvm.Model;
using Uvm.Model.Core;
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

    /// <summary>Follows <paramref name="schedule"/> as the class summary says, on a fresh kernel driven by <paramref name="engine"/>.</summary>
    public static ScheduleRun Align(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, RenameTable renames, IStepListener? listener = null, EngineKind engine = EngineKind.Direct,
        bool watchCycles = false) =>
        ScheduleDrivers.For(engine)(workload, config, properties, core =>
        {
            if (watchCycles) core.WatchCycles();
            return new Follower(core, schedule, renames);
        }, listener);

    /// <summary>Runs the thread of each file step until it reaches the file's label, absorbing at most <see cref="MaxAbsorbed"/> other steps.</summary>
    private sealed class Follower(StepCore core, IReadOnlyList<StepRecord> schedule, RenameTable renames) : FileFollower(core, schedule)
    {
        /// <summary>One line per renamed label or absorbed step.</summary>
        private readonly List<string> _notes = [];

        /// <summary>How many steps of the current file step's thread were absorbed before it.</summary>
        private int _absorbed;

        public override void Stepped(bool failed)
        {
            var want = Schedule[At];
            var t = Next!;
            int at = Core.Log.Count - 1;
            var ran = Core.Log.FunctionOf(at);
            if (ran == want.Function || ran == renames.RenamedTo(want.Function))
            {
                if (ran != want.Function) _notes.Add($"file step {At}: {want.Thread}: '{want.Function}' is '{ran}' in this model (renames.json)");
                _absorbed = 0;
                if (failed) Over(Ended(Core.Violation));
                else MoveTo(At + 1);
                return;
            }
            _notes.Add($"model step {at}: {t.Name}: '{ran}' is not in the file; absorbed before file step {At} ({want.Function})");
            // A violation in a step the file lacks leaves the file's steps from At on unmatched:
            // that is the model's own run, not this file's, so the two part here.
            if (failed)
                Over(Parted($"the model stopped ({Core.Violation?.Id}) in {t.Name}: {ran}, a step not in the file, before file step {At} ({want.Function})"));
            else if (_absorbed++ == MaxAbsorbed)
                Over(Parted($"the file has {want.Thread}: {want.Function}, the model ran {MaxAbsorbed + 1} other steps of {t.Name} ({ran} last)"));
            else
                MoveTo(At);
        }

        protected override ScheduleRun Parted(string why) => base.Parted(why) with { Alignment = _notes };

        protected override ScheduleRun Ended(Violation? violation) => base.Ended(violation) with { Alignment = _notes };
    }
}
