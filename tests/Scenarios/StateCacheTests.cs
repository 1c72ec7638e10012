using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// verify's state cache (docs/verify.md, "State caching") keeps the guarantee: a state whose
/// fingerprint was explored is not explored again, so the fingerprint must hold everything that
/// decides the future, and no field marked <see cref="NotStateAttribute"/> may decide it.
/// </summary>
public sealed class StateCacheTests
{
    internal static RunRequest Request(string scenario, KernelConfig config)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        return new RunRequest(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Engine = EngineKind.Direct })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
    }

    /// <summary>
    /// With and without the cache, the fixed kernel's search reaches the same distinct kernel
    /// states and meets the same violations (none), and the cached one runs fewer steps. A
    /// fingerprint that missed a thread's position, a local or a field that decides what follows
    /// would prune a state whose subtree differs, and lose states here.
    /// </summary>
    [Theory]
    [InlineData("loan", 1, true)]
    [InlineData("exec-topdown", 1, true)]
    [InlineData("loan-share", 2, true)]
    [InlineData("loan-zero", 0, true)]
    [InlineData("loan", 1, false)]
    public void CachedSearchReachesEveryState(string scenario, int bound, bool por)
    {
        var request = Request(scenario, KernelConfig.Fixed);
        HashSet<string> plain = [], cached = [];
        var p = Verifier.Run(request, bound, por: por, violations: plain);
        var c = Verifier.Run(request, bound, por: por, violations: cached, stateCache: true);

        Assert.True(p.Complete && c.Complete);
        Assert.True(c.Cached && !p.Cached);
        Assert.Equal(plain.Order(), cached.Order());
        Assert.Equal(p.DistinctStates, c.DistinctStates);
        Assert.True(c.Pruned > 0, "the cache pruned nothing");
        Assert.True(c.Steps < p.Steps, $"{c.Steps} steps cached against {p.Steps}");
    }

    /// <summary>Two threads, each searching with caches of its own, reach the states one thread reaches.</summary>
    [Fact]
    public void CachedSearchOnTwoThreadsReachesEveryState()
    {
        var request = Request("loan", KernelConfig.Fixed);
        var one = Verifier.Run(request, 1, por: true, stateCache: true);
        var two = Verifier.Run(request, 1, por: true, stateCache: true, parallel: 2);
        Assert.True(one.Complete && two.Complete);
        Assert.Equal(one.DistinctStates, two.DistinctStates);
    }

    /// <summary>With the cache, each historical bug is found, and at the bound the search without it finds it.</summary>
    [Theory]
    [InlineData("loan", "loan-kernel-page-queued")]
    [InlineData("loan-zero", "loan-zero-page-unqueued")]
    [InlineData("loan-zero", "loan-recheck-after-sleep")]
    [InlineData("swapout", "pr23095")]
    public void CachedSearchFindsEachBugAtItsMinimalBound(string scenario, string bug)
    {
        var request = Request(scenario, Switches.Configure([bug]));
        var p = Verifier.Run(request, 2, countStates: false, por: true);
        var c = Verifier.Run(request, 2, countStates: false, por: true, stateCache: true);
        Assert.True(p.FoundBug && c.FoundBug);
        Assert.Equal(p.PreemptionsToBug, c.PreemptionsToBug);
        Assert.Equal(p.Counterexample!.Violation.Id, c.Counterexample!.Violation.Id);
    }
}

/// <summary>
/// The claims behind every field verify's state fingerprint leaves out (<see cref="NotStateAttribute"/>),
/// checked by their consequence on random schedules. Apart from <see cref="StateCacheTests"/> so that
/// xunit runs the two classes side by side.
/// </summary>
public sealed class StateFingerprintFutureTests
{
    /// <summary>
    /// The claims behind every field left out of the fingerprint, checked by their consequence:
    /// two random schedules that reach the same fingerprint go on alike. Each pair found is run on
    /// along the same random decisions (threads and choices); after every step both kernels must
    /// show the same view, the same fingerprint, the same runnable threads and the same violation.
    /// The scenarios cover exit (freed objects), copy-on-write, pools and the pageout errors.
    /// </summary>
    [Theory]
    [InlineData("loan")]
    [InlineData("pagedaemon")]
    [InlineData("exit-reaperless")]
    [InlineData("cow-fork")]
    [InlineData("pool-drain")]
    [InlineData("swap-errors")]
    [InlineData("swapout")]
    public void EqualFingerprintsHaveEqualFutures(string scenario)
    {
        var request = StateCacheTests.Request(scenario, KernelConfig.Fixed);
        var key = new StateKey();
        // Hashers compile their readers on first sight of each type: built once, shared by the pairs.
        var hashers = (new StateHash(), new StateKey(), new StateKey());
        var first = new Dictionary<StateFingerprint, List<int>>();
        var random = new Random(20261204);
        int compared = 0;
        for (int run = 0; run < 300 && compared < 25; run++)
        {
            var script = new List<int>();
            var driver = new Driver(request, script, random);
            for (int step = 0; step < 120 && driver.Step(); step++)
            {
                var fp = key.Of(driver.Core.Kernel);
                if (!first.TryGetValue(fp, out var earlier))
                {
                    first[fp] = [.. script];
                    continue;
                }
                if (earlier.SequenceEqual(script)) continue;
                compared++;
                SameFutures(request, earlier, [.. script], random, hashers);
                break;
            }
        }
        Assert.True(compared >= 5, $"only {compared} pairs of schedules met at one fingerprint");
    }

    /// <summary>Runs both prefixes on along one random suffix and compares them after every step.</summary>
    private static void SameFutures(RunRequest request, List<int> a, List<int> b, Random random, (StateHash, StateKey, StateKey) hashers)
    {
        var suffix = new List<int>();
        var first = new Driver(request, a, null);
        var second = new Driver(request, b, null);
        while (first.Replaying) Assert.True(first.Step());
        while (second.Replaying) Assert.True(second.Step());
        var leader = new Driver(first, suffix, random);
        var follower = new Driver(second, suffix, null);
        var (view, keyA, keyB) = hashers;
        for (int step = 0; step < 60; step++)
        {
            bool more = leader.Step();
            Assert.Equal(more, follower.Step());
            Assert.Equal(leader.Core.Violation?.Id, follower.Core.Violation?.Id);
            Assert.Equal(view.Full(leader.Core.Kernel), view.Full(follower.Core.Kernel));
            Assert.Equal(keyA.Of(leader.Core.Kernel), keyB.Of(follower.Core.Kernel));
            Assert.Equal(leader.RunnableNow(), follower.RunnableNow());
            if (!more) break;
        }
    }

    /// <summary>
    /// Runs a kernel along a script of decisions (for each step the thread's index, then each
    /// choice's bound and answer), and past its end, with a random source, picks at random and
    /// appends what it picked.
    /// </summary>
    private sealed class Driver : IChoice
    {
        private readonly List<int> _script;
        private readonly Random? _random;
        private int _at;

        public Driver(RunRequest request, List<int> script, Random? random)
        {
            Core = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties);
            (_script, _random) = (script, random);
        }

        /// <summary>Goes on with <paramref name="from"/>'s kernel along another script.</summary>
        public Driver(Driver from, List<int> script, Random? random)
        {
            Core = from.Core;
            (_script, _random) = (script, random);
        }

        public StepCore Core { get; }

        public bool Replaying => _at < _script.Count;

        public int[] RunnableNow()
        {
            Span<int> r = stackalloc int[Core.Kernel.Threads.Count];
            return r[..Core.Runnable(r)].ToArray();
        }

        /// <summary>One step; false when the run has ended (no thread runnable, or a violation).</summary>
        public bool Step()
        {
            if (Core.Violation is not null) return false;
            var runnable = RunnableNow();
            if (runnable.Length == 0) return false;
            int thread = Next(runnable.Length, () => runnable[_random!.Next(runnable.Length)], isThread: true);
            Assert.Contains(thread, runnable);
            return Core.Run(Core.Kernel.Threads[thread], this) is not null;
        }

        private int Next(int bound, Func<int> pick, bool isThread)
        {
            if (_at < _script.Count)
            {
                if (!isThread) Assert.Equal(_script[_at++], bound);
                return _script[_at++];
            }
            Assert.NotNull(_random);
            int v = pick();
            if (!isThread) _script.Add(bound);
            _script.Add(v);
            _at = _script.Count;
            return v;
        }

        public bool Boolean() => Integer(2) == 1;

        public int Integer(int maxExclusive) => Next(maxExclusive, () => _random!.Next(maxExclusive), isThread: false);
    }
}
