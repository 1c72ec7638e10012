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
        IReadOnlyList<StepRecord> schedule, RenameTable renames, IStepListener? listener = null, EngineKind engine = EngineKind.Direct) =>
        ScheduleDrivers.For(engine)(workload, config, properties, core => new Follower(core, schedule, renames), listener);

    /// <summary>Runs the thread of each file step until it reaches the file's label, absorbing at most <see cref="MaxAbsorbed"/> other steps.</summary>
    private sealed class Follower : IScheduleFollower
    {
        private readonly StepCore _core;
        private readonly IReadOnlyList<StepRecord> _schedule;
        private readonly RenameTable _renames;
        private readonly Dictionary<string, KernelThread> _byName;
        private readonly ScriptedChoice _choice = new();

        /// <summary>One line per renamed label or absorbed step.</summary>
        private readonly List<string> _notes = [];

        /// <summary>The file step followed next, and how many steps of its thread were absorbed before it.</summary>
        private int _i, _absorbed;

        /// <summary>Set when the follow is over before the file's end.</summary>
        private ScheduleRun? _over;

        public Follower(StepCore core, IReadOnlyList<StepRecord> schedule, RenameTable renames)
        {
            (_core, _schedule, _renames) = (core, schedule, renames);
            _byName = core.Kernel.Threads.ToDictionary(t => t.Name);
            Next = Seek();
        }

        public KernelThread? Next { get; private set; }

        public IChoice Choice => _choice;

        public void Stepped(bool failed)
        {
            var want = _schedule[_i];
            int at = _core.Log.Count - 1;
            var ran = _core.Log.FunctionOf(at);
            var t = Next!;
            Next = null;
            if (ran == want.Function || ran == _renames.RenamedTo(want.Function))
            {
                if (ran != want.Function) _notes.Add($"file step {_i}: {want.Thread}: '{want.Function}' is '{ran}' in this model (renames.json)");
                if (failed)
                {
                    _over = End(_core.Violation);
                    return;
                }
                _i++;
                _absorbed = 0;
                Next = Seek();
                return;
            }
            _notes.Add($"model step {at}: {t.Name}: '{ran}' is not in the file; absorbed before file step {_i} ({want.Function})");
            // A violation in a step the file lacks leaves the file's steps from i on unmatched:
            // that is the model's own run, not this file's, so the two part here.
            if (failed)
                _over = Part($"the model stopped ({_core.Violation?.Id}) in {t.Name}: {ran}, a step not in the file, before file step {_i} ({want.Function})");
            else if (_absorbed++ == MaxAbsorbed)
                _over = Part($"the file has {want.Thread}: {want.Function}, the model ran {MaxAbsorbed + 1} other steps of {t.Name} ({ran} last)");
            else
                Next = Seek();
        }

        public ScheduleRun Result() => _over ?? End(_core.JudgeEnd());

        /// <summary>The thread of file step <see cref="_i"/> with its choices loaded, or null at the end or where it cannot run.</summary>
        private KernelThread? Seek()
        {
            if (_i == _schedule.Count) return null;
            var want = _schedule[_i];
            if (!_byName.TryGetValue(want.Thread, out var t))
            {
                _over = Part($"the file runs {want.Thread}, which this workload does not have");
                return null;
            }
            if (!StepCore.CanRun(t))
            {
                _over = Part($"the file runs {want.Thread}: {want.Function}, but {t.Name} {(t.Exited ? "has exited" : $"sleeps on {t.SleepingOn}")}");
                return null;
            }
            _choice.Load(want.Choices);
            return t;
        }

        private ScheduleRun Part(string why) => new(_core.Log.Records(), null, _i, why) { Alignment = _notes };

        private ScheduleRun End(Violation? v) => new(_core.Log.Records(), v, null, null) { Alignment = _notes };
    }
}
