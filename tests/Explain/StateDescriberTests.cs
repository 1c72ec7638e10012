using Uvm.Model.Sched;
using Uvm.Scenarios;
using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>The describer turns any view into flat facts, without knowing its entity types.</summary>
public sealed class StateDescriberTests
{
    [Fact]
    public void KernelViewBecomesFactsPerEntity()
    {
        var kernel = KernelBuilder.Build(SwapoutScenario.Default(), Uvm.Model.KernelConfig.Fixed);

        var lines = new StateDescriber().Describe(kernel).Lines().ToList();

        Assert.Contains("lwp 1.Stat = Run", lines);
        Assert.Contains("lwp 1.Proc = pid 1", lines);
        Assert.Contains("lwp 1.InMemory = true", lines);
        Assert.Contains("cpu0.Current = none", lines);
        Assert.Contains("pid 1.Lwps = [lwp 1, lwp 2]", lines);
        Assert.Contains("runqueue.Lwps = [lwp 1, lwp 2, lwp 3, lwp of proc0, lwp of pagedaemon]", lines);
        Assert.Contains("uvmexp.Free = 2", lines);
        Assert.Contains("pagedaemon.SleepingOn = pagedaemon: on the run queue", lines);
        Assert.Contains("config.Enabled = []", lines);
    }

    [Fact]
    public void EntityIsNotDescribedByItsOwnName()
    {
        var kernel = KernelBuilder.Build(SwapoutScenario.Default(), Uvm.Model.KernelConfig.Fixed);

        var pagedaemon = new StateDescriber().Describe(kernel).Named("pagedaemon").Single();

        Assert.Null(pagedaemon["Name"]);
        Assert.Equal("false", pagedaemon["Exited"]);
    }

    [Fact]
    public void StateChangeShowsInTheNextSnapshot()
    {
        var kernel = KernelBuilder.Build(SwapoutScenario.Default(), Uvm.Model.KernelConfig.Fixed);
        var describer = new StateDescriber();
        var before = describer.Describe(kernel);

        var cpu0 = kernel.Threads.Single(t => t.Name == "cpu0");
        cpu0.Advance(); // cpu_switch: lwp 1 goes on cpu0

        var diff = StateDiff.Between(before, describer.Describe(kernel));
        Assert.Contains(diff.Changes, c => c.Label == "cpu0" && c.Fact == "Current" && c.Before == "none" && c.After == "lwp 1");
        Assert.Contains(diff.Changes, c => c.Label == "lwp 1" && c.Fact == "Stat" && c.After == nameof(LwpStat.OnProc));
        Assert.Contains("runqueue: Lwps −lwp 1", diff.Compact());
        Assert.True(diff.Touches("lwp 1"));
        Assert.False(diff.Touches("lwp 3"));
    }

    [Fact]
    public void NewSubsystemOnTheViewIsDescribedWithoutCodeOfItsOwn()
    {
        var view = new PagingView();

        var lines = new StateDescriber().Describe(view, typeof(IPagingView)).Lines().ToList();

        Assert.Contains("page 0x1000.Queue = Inactive", lines);
        Assert.Contains("page 0x1000.Busy = false", lines);
        Assert.Contains("page 0x1000.Owner = anon 7", lines);
        Assert.Contains("anon 7.Page = page 0x1000", lines);
        Assert.Contains("anon 7.SwapSlot = 0", lines);
        Assert.Contains("swapspace.Owners = [anon 7, none]", lines);
        Assert.Contains("swapspace.Pages = [page 0x1000, page 0x2000]", lines);
        Assert.Contains("kernel.Ticks = 3", lines);
        Assert.Contains("kernel.FreeSlots = [1, 2]", lines);
        Assert.Contains("maps[0].Entries = [0x1000-0x3000]", lines);
        Assert.Contains("maps[0].Broken = <InvalidOperationException>", lines);
        Assert.Contains("swap_lock.Held = true", lines);
    }

    [Fact]
    public void EntityWithoutANameIsReferencedByItsPlaceInTheView()
    {
        var view = new PagingView();

        var snapshot = new StateDescriber().Describe(view, typeof(IPagingView));

        Assert.Equal("maps[0]", snapshot.Named("maps[0]").Single().Label);
        Assert.Equal("maps[0]", snapshot.Named("page 0x2000").Single()["Map"]);
    }

    /// <summary>A made-up subsystem's view: pages, anons by id, a swap space, maps and plain values.</summary>
    public interface IPagingView
    {
        IReadOnlyList<FakePage> Pages { get; }
        IReadOnlyDictionary<int, FakeAnon> Anons { get; }
        FakeSwap SwapSpace { get; }
        IReadOnlyList<FakeMap> Maps { get; }
        int Ticks { get; }
        IReadOnlyList<int> FreeSlots { get; }
        FakeLock SwapLock { get; }
    }

    public sealed class FakeLock(string name)
    {
        public string Name { get; } = name;
        public bool Held { get; set; } = true;
    }

    public enum PageQueue { Free, Active, Inactive }

    public sealed class FakePage(int address)
    {
        public int Address { get; } = address;
        public PageQueue Queue { get; set; } = PageQueue.Inactive;
        public bool Busy { get; set; }
        public FakeAnon? Owner { get; set; }
        public FakeMap? Map { get; set; }
        public override string ToString() => $"page 0x{Address:x}";
    }

    public sealed class FakeAnon(int id)
    {
        public FakePage? Page { get; set; }
        public int SwapSlot { get; set; }
        public override string ToString() => $"anon {id}";
    }

    public sealed class FakeSwap
    {
        public List<FakeAnon?> Owners { get; } = [];
        public List<FakePage> Pages { get; } = [];
    }

    public sealed record MapEntry(int Start, int End)
    {
        public override string ToString() => $"0x{Start:x}-0x{End:x}";
    }

    public sealed class FakeMap
    {
        public List<MapEntry> Entries { get; } = [new(0x1000, 0x3000)];
        public int Broken => throw new InvalidOperationException("not readable");
    }

    private sealed class PagingView : IPagingView
    {
        public PagingView()
        {
            var anon = new FakeAnon(7);
            var page = new FakePage(0x1000) { Owner = anon };
            anon.Page = page;
            var map = new FakeMap();
            Pages = [page, new FakePage(0x2000) { Queue = PageQueue.Active, Map = map }];
            Anons = new Dictionary<int, FakeAnon> { [7] = anon };
            SwapSpace.Owners.AddRange([anon, null]);
            SwapSpace.Pages.AddRange(Pages);
            Maps = [map];
        }

        public IReadOnlyList<FakePage> Pages { get; }
        public IReadOnlyDictionary<int, FakeAnon> Anons { get; }
        public FakeSwap SwapSpace { get; } = new();
        public IReadOnlyList<FakeMap> Maps { get; }
        public int Ticks => 3;
        public IReadOnlyList<int> FreeSlots => [1, 2];
        public FakeLock SwapLock { get; } = new("swap_lock");
    }
}
