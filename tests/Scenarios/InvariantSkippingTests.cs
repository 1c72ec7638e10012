using System.Text;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The stepping core judges an invariant only after a step that wrote a part of the state it
/// declares (<see cref="Invariant.Reads"/>, <see cref="StateDomain"/>). A write that bumps no
/// version would hide a violation, so: every step that changes a part's state moves its version
/// (read off the state itself, after every step of every scenario and every switch), and skipping
/// finds the same first violation at the same step as judging every invariant after every step.
/// </summary>
public sealed class InvariantSkippingTests
{
    /// <summary>The fixed kernel in every scenario, then every switch (bug or mutant) in its own.</summary>
    public static TheoryData<string, string?> Runs()
    {
        var data = new TheoryData<string, string?>();
        foreach (var s in ScenarioCatalogue.All) data.Add(s.Name, null);
        foreach (var sw in Switches.All) data.Add(sw.Scenario, sw.Id);
        return data;
    }

    /// <summary>
    /// Schedules per run: a switch's own budget (its bug is found within it, so the two runs are
    /// compared on a violation) or, on the fixed kernel, 60 from seed 0 (a few thousand steps).
    /// </summary>
    [Theory]
    [MemberData(nameof(Runs))]
    public void SkippingFindsWhatJudgingEveryStepFinds(string scenario, string? bug)
    {
        var (request, budget) = Request(scenario, bug);
        var skipping = Explorer.Run(request with { Settings = request.Settings with { Iterations = budget } }).Counterexample;
        var every = Explorer.Run(request with
        {
            Settings = request.Settings with { Iterations = budget },
            Properties = request.Properties.EveryStep(),
        }).Counterexample;

        Assert.Equal(every?.Violation, skipping?.Violation);
        Assert.Equal(every?.Iteration, skipping?.Iteration);
        Assert.Equal(every?.Steps.Count, skipping?.Steps.Count);
    }

    /// <summary>
    /// After every step of 20 schedules (a switch's budget when smaller), each part whose version
    /// did not move reads as it did before the step. 20 schedules of every scenario and switch
    /// run every kernel path of the model many times.
    /// </summary>
    [Theory]
    [MemberData(nameof(Runs))]
    public void EveryStepThatChangesAPartMovesItsVersion(string scenario, string? bug)
    {
        var (request, budget) = Request(scenario, bug);
        var audit = new Audit();
        DirectExplorer.Run(request with { Settings = request.Settings with { Iterations = Math.Min(20, budget) } }, listener: audit);
        Assert.True(audit.Steps > 0);
        Assert.Equal([], audit.Missed);
    }

    /// <summary>One schedule of swapout: the invariant is judged after its first step and after each step that moved its part's version, no more.</summary>
    [Fact]
    public void AnInvariantIsJudgedOnlyAfterStepsThatWroteWhatItReads()
    {
        int judged = 0;
        var counting = new Invariant("CountsJudgements", "Holds.", "test", _ =>
        {
            judged++;
            return null;
        }) { Reads = StateDomain.Uarea };
        var s = ScenarioCatalogue.Find("swapout")!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed,
            new ExploreSettings { Engine = EngineKind.Direct, Iterations = 1, Seed = 0 })
        {
            Properties = new Catalogue([counting], []),
        };
        var moves = new VersionMoves(StateDomain.Uarea);

        var skipped = DirectExplorer.Run(request, listener: moves);
        int skipping = judged;
        judged = 0;
        var every = Explorer.Run(request with { Properties = request.Properties.EveryStep() });

        Assert.Equal(1 + moves.Moved, skipping);
        Assert.InRange(moves.Moved, 1, skipped.Steps - 2); // swapout wires and unwires u-areas, in some steps only
        Assert.Equal(every.Steps, judged);                 // --check-every-step: after every step
    }

    /// <summary>
    /// Past <see cref="JudgingPlan.MaxInvariants"/> invariants the stepping core tests each
    /// invariant's parts in turn instead of using the catalogue's bit sets
    /// (<see cref="JudgingPlan.Fits"/>): one more than that, each judged after its first step and
    /// after each step that moved its part, on the same schedule as above.
    /// </summary>
    /// <summary>
    /// The built-in catalogue fits the bit sets, so the stepping core picks the invariants due by
    /// bit operations; past them it tests every invariant after every step (the same judgements,
    /// slower). Session 29 took it from 64 invariants to 69, past the 64 bits the sets then had.
    /// </summary>
    [Fact]
    public void TheBuiltInCatalogueFitsTheBitSets()
    {
        Assert.True(Catalogue.BuiltIn.Plan.Fits, $"{Catalogue.BuiltIn.Invariants.Count} invariants");
    }

    [Fact]
    public void PastTheBitSetsEachInvariantIsStillJudgedOnlyAfterStepsThatWroteWhatItReads()
    {
        var judged = new int[JudgingPlan.MaxInvariants + 1];
        var parts = new[] { StateDomain.Uarea, StateDomain.Sched, StateDomain.Vm };
        var invariants = Enumerable.Range(0, judged.Length).Select(i => new Invariant($"Counts{i}", "Holds.", "test", _ =>
        {
            judged[i]++;
            return null;
        }) { Reads = parts[i % parts.Length] }).ToList();
        var catalogue = new Catalogue(invariants, []);
        var s = ScenarioCatalogue.Find("swapout")!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed,
            new ExploreSettings { Engine = EngineKind.Direct, Iterations = 1, Seed = 0 })
        {
            Properties = catalogue,
        };
        var moves = parts.Select(p => new VersionMoves(p)).ToArray();

        DirectExplorer.Run(request, listener: new Listeners(moves));

        Assert.False(catalogue.Plan.Fits);
        for (int i = 0; i < judged.Length; i++) Assert.Equal(1 + moves[i % parts.Length].Moved, judged[i]);
        Assert.Contains(moves, m => m.Moved > 0);
    }

    /// <summary>Tells each of several listeners.</summary>
    private sealed class Listeners(IStepListener[] all) : IStepListener
    {
        public void Booted(IKernelView kernel)
        {
            foreach (var l in all) l.Booted(kernel);
        }

        public void Stepped(IKernelView kernel, StepRecord step)
        {
            foreach (var l in all) l.Stepped(kernel, step);
        }
    }

    /// <summary>Counts the steps after the first that moved the version of a part.</summary>
    private sealed class VersionMoves(StateDomain part) : IStepListener
    {
        private long _last = -1;
        private int _steps;

        public int Moved { get; private set; }

        public void Booted(IKernelView kernel)
        {
        }

        public void Stepped(IKernelView kernel, StepRecord step)
        {
            long stamp = ((Kernel)kernel).Versions.Stamp(part);
            if (_steps++ > 0 && stamp != _last) Moved++;
            _last = stamp;
        }
    }

    private static (RunRequest Request, int Budget) Request(string scenario, string? bug)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        var config = bug is null ? KernelConfig.Fixed : Switches.Configure([bug]);
        int budget = bug is null ? 60 : Math.Max(1, Switches.Find(bug)!.Budget);
        var request = new RunRequest(s.Name, s.DefaultWorkload(), config,
            new ExploreSettings { Engine = EngineKind.Direct, Iterations = budget, Seed = 0 })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };
        return (request, budget);
    }

    /// <summary>Reads each versioned part after every step and records a change its version missed.</summary>
    private sealed class Audit : IStepListener
    {
        /// <summary>Every part with a version: a part added to <see cref="StateDomain"/> is audited, or <see cref="Read"/> fails for want of a reader.</summary>
        private static IReadOnlyList<StateDomain> Parts => WriteVersions.Parts;
        private readonly string[] _before = new string[Parts.Count];
        private readonly long[] _version = new long[Parts.Count];

        public int Steps { get; private set; }

        public List<string> Missed { get; } = [];

        public void Booted(IKernelView kernel) => Take((Kernel)kernel);

        public void Stepped(IKernelView kernel, StepRecord step)
        {
            Steps++;
            var k = (Kernel)kernel;
            for (int i = 0; i < Parts.Count; i++)
                if (k.Versions.Stamp(Parts[i]) == _version[i] && Read(k, Parts[i]) != _before[i])
                    Missed.Add($"{step.Thread}: {step.Function} changed {Parts[i]} without moving its version");
            Take(k);
        }

        private void Take(Kernel k)
        {
            for (int i = 0; i < Parts.Count; i++)
            {
                _before[i] = Read(k, Parts[i]);
                _version[i] = k.Versions.Stamp(Parts[i]);
            }
        }

        /// <summary>The vmspace references: every vmspace's count, each process's p_vmspace and its hold, each reader's.</summary>
        private static void ReadVmRefs(Kernel k, StringBuilder t)
        {
            IKernelView v = k;
            var vm0 = v.ProcLists.Proc0Vmspace;
            t.Append($"[vm0 {vm0.RefCount} {vm0.Freed}]");
            foreach (var p in v.Procs)
            {
                t.Append($"[{p} {Id(p.Vmspace)} {p.VmspaceReleased} {p.Reaped} {p.ForkedVmspace.RefCount} {p.ForkedVmspace.Freed}");
                foreach (var e in p.ExecVmspaces) t.Append($" ({Id(e)} {e.RefCount} {e.Freed})");
                t.Append(']');
            }
            foreach (var l in v.Lwps) t.Append($"[{Id(l)} {Id(l.HeldVmspace)}]");
        }

        /// <summary>Everything <see cref="StateDomain"/> says the part holds, as text.</summary>
        private static string Read(Kernel k, StateDomain part)
        {
            var t = new StringBuilder();
            IKernelView v = k;
            switch (part)
            {
                case StateDomain.Sched:
                    foreach (var l in v.Lwps.Concat(v.KthreadLwps))
                        t.Append($"[{Id(l)} {l.Stat} {l.Cpu} {l.OnRunQueue} {l.InMemory} {l.Uarea} {l.Detached} {l.SwitchedAway} {l.Freed} {l.PoolItem}]");
                    foreach (var c in v.Cpus)
                        t.Append($"[{c} {c.Thread} {Id(c.Current)} {c.Stack} {Id(c.Vmspace)} {Id(c.Exiting)}]");
                    foreach (var l in v.RunQueue.Lwps) t.Append($"q{Id(l)} ");
                    break;
                case StateDomain.Proc:
                    foreach (var p in v.Procs.Append(k.SystemProc))
                        t.Append($"[{p} {p.Exiting} {p.Stat} {p.Parent} {Id(p.Vmspace)} {p.Vmspace.Freed} {p.PoolItem} {p.Reaped} "
                            + $"{string.Join(',', p.Lwps.Select(Id))} {string.Join(',', p.Children)} {p.Nlwps} {p.Nrlwps} {p.Nzlwps} "
                            + $"{p.ListedOnUnchecked} {p.HashedUnchecked} {p.StopFork} {p.SigStopPending}]");
                    t.Append(v.Procs.Count);
                    ReadVmRefs(k, t);
                    break;
                case StateDomain.VmRefs:
                    ReadVmRefs(k, t);
                    break;
                case StateDomain.Uarea:
                    var u = v.Uareas;
                    foreach (var a in u.All) t.Append($"[{a} {a.State} {Id(a.Owner)} {a.WireCount}]");
                    t.Append($"free {string.Join(',', u.FreeList)} {u.NuareaMax} {u.DrainWanted} {u.PagedaemonDrains} {u.Reserve}");
                    break;
                case StateDomain.Pool:
                    foreach (var pp in v.Pools.All)
                    {
                        t.Append($"[{pp} {Id(pp.CurPage)} {pp.NItems} {pp.NOut} {pp.NPages} tree {Tree(pp.Tree.Root)}]");
                        foreach (var ph in pp.EmptyPages.Concat(pp.PartialPages).Concat(pp.FullPages))
                            t.Append($"({Id(ph)} {ph.List} {ph.NMissing} {string.Join(',', ph.FreeItems)})");
                    }
                    break;
                case StateDomain.Map:
                    foreach (var vm in v.Vmspaces)
                    {
                        var m = vm.Map;
                        t.Append($"[{vm} {vm.Daddr} {vm.DataLimit} {vm.StackLimit} {vm.MaxSaddr} {vm.ExecsDone} {vm.ExecFailures.Count} "
                            + $"{m.Min} {m.Max} {m.TopDown} {m.Pending} root {Id(m.Tree.Root)}]");
                        foreach (var e in m.Entries)
                            t.Append($"({Id(e)} {e.Start} {e.End} {e.PoolItem} {e.OwnSpace} {e.Space} {Id(e.Left)} {Id(e.Right)} {Id(e.Parent)} {e.Red})");
                    }
                    break;
                case StateDomain.Pages:
                    ReadPages(v, t);
                    break;
                case StateDomain.Anons:
                    foreach (var a in v.Vm.Anons)
                        t.Append(a.Freed ? $"[{Id(a)} freed]" : $"[{Id(a)} {a.RefCount} {Id(a.Page)} {a.SwSlot} {Id(a.Written)}]");
                    break;
                case StateDomain.Objects:
                    ReadObjects(v, t);
                    break;
                case StateDomain.Swap:
                    ReadSwap(v, t);
                    break;
                case StateDomain.CowMaps:
                    ReadCowMaps(v, t);
                    break;
                case StateDomain.VmCounters:
                    foreach (var pi in typeof(Uvmexp).GetProperties())
                        if (pi.Name is not (nameof(Uvmexp.Free) or nameof(Uvmexp.Paging) or nameof(Uvmexp.SwpgOnly)
                            or nameof(Uvmexp.Active) or nameof(Uvmexp.Inactive) or nameof(Uvmexp.Wired))) t.Append(pi.GetValue(v.Uvmexp)).Append(',');
                    break;
                case StateDomain.Sleep:
                    foreach (var th in k.Threads) t.Append($"[{Id(th)} {th.SleepingOn} {th.Exited}]");
                    break;
                case StateDomain.LwpClock:
                    foreach (var l in v.Lwps.Concat(v.KthreadLwps))
                        t.Append($"[{Id(l)} {l.WChan} {l.SwTime} {l.SlpTime} {l.HoldCount} {l.SleepTimeout} {l.Pc} {l.QuantaDone} {l.ForkedPid}]");
                    break;
                case StateDomain.PoolItems:
                    foreach (var p in v.Procs) t.Append($"[{Id(p)} {p.PoolItem}]");
                    foreach (var l in v.Lwps) t.Append($"[{Id(l)} {l.PoolItem}]");
                    foreach (var vm in v.Vmspaces)
                    {
                        t.Append($"[{Id(vm)}");
                        foreach (var e in vm.Map.Entries) t.Append($" ({Id(e)} {e.PoolItem})");
                        t.Append(']');
                    }
                    break;
                default:
                    throw new InvalidOperationException($"the audit has no reader for the part {part}: add one above");
            }
            return t.ToString();
        }

        /// <summary>The pages, their queues, the kernel's loans, the free pages not yet materialized, uvmexp.free, paging, active, inactive and wired.</summary>
        private static void ReadPages(IKernelView v, StringBuilder t)
        {
            var vm = v.Vm;
            foreach (var p in vm.Pages)
                t.Append($"[{Id(p)} {p.Queue} {p.Flags} {Id(p.Anon)} {p.PqAnon} {Id(p.Object)} {p.Index} {p.LoanCount} {p.WireCount} {p.Referenced} {Id(p.Holder)} {p.BusyOwner} {Id(p.Data)}]");
            foreach (var q in new[] { vm.FreeQueue, vm.ActiveQueue, vm.InactiveQueue, vm.KernelLoans })
                t.Append($"q {string.Join(',', q.Select(Id))} ");
            t.Append($"{vm.Unmaterialized} free {v.Uvmexp.Free} paging {v.Uvmexp.Paging} active {v.Uvmexp.Active} inactive {v.Uvmexp.Inactive} wired {v.Uvmexp.Wired}");
        }

        /// <summary>The aobjs, vnodes, shm segments and their objects, kernel_object and the zero-page object.</summary>
        private static void ReadObjects(IKernelView v, StringBuilder t)
        {
            var vm = v.Vm;
            foreach (var o in vm.AObjs.Concat(vm.Vnodes).Concat(vm.ShmSegments.Select(g => g.Object)).Append(vm.KernelObject).Append(vm.LoanZeroObject))
            {
                t.Append($"[{Id(o)} {o.Refs} {o.OnList} {string.Join(',', o.SwapSlots)} ");
                if (o.IsVnode) t.Append($"vn {o.UseCount} {o.XLock} {o.XWant} {o.OnFreeList} {o.Bad} {o.Unlinked} {o.FileId} {o.NumOutput} {o.VbWait} ");
                for (int i = 0; i < o.Size; i++) t.Append(Id(o.PageAt(i))).Append(' ').Append(Id(o.Written(i))).Append(' ').Append(o.IsVnode ? Id(o.Block(i)) : "").Append(',');
                t.Append(']');
            }
            foreach (var g in vm.ShmSegments) t.Append($"[{Id(g)} {g.Nattch} {g.Removed} {g.Deallocated}]");
            t.Append($" vnodes {vm.NumVnodes} {vm.DesiredVnodes} free {string.Join(',', vm.VnodeFreeList.Select(Id))} removed {string.Join(',', vm.RemovedFiles)}");
            foreach (var d in vm.FileDisks) t.Append($" disk {d.File} {string.Join(',', d.Blocks.Select(Id))} {string.Join(',', d.Written.Select(Id))}");
        }

        /// <summary>The swap space, the pagedaemon's cluster, the pageouts in flight and their completions, and uvmexp.swpgonly.</summary>
        private static void ReadSwap(IKernelView v, StringBuilder t)
        {
            var vm = v.Vm;
            var swap = vm.Swap;
            t.Append($"swap {Id(swap)} {swap.Configured} {swap.Enabled} {swap.Fake} {swap.InUse} {swap.Bad} ");
            for (int i = 1; i <= swap.Slots; i++) t.Append(swap.IsInUse(i) ? 'u' : '-').Append(swap.IsBad(i) ? 'b' : '-').Append(Id(swap.Data(i)));
            t.Append($" cluster {Id(vm.Cluster)} {vm.Cluster?.Slot} {string.Join(',', vm.Cluster?.Pages.Select(Id) ?? [])} {vm.ClusterPages} {vm.IoCompletions}");
            foreach (var io in vm.PagesInFlight) t.Append($"[io {Id(io)} {string.Join(',', io.Pages.Select(Id))} {string.Join(',', io.Data.Select(Id))}]");
            t.Append($" swpgonly {v.Uvmexp.SwpgOnly}");
        }

        /// <summary>
        /// The copy-on-write spaces, their amaps and what each pmap maps, as stored: the space's own
        /// slots, not <see cref="Uvm.Model.Cow.CowSpace.MappedAnon"/>, which reads the anon and the page too.
        /// </summary>
        private static void ReadCowMaps(IKernelView v, StringBuilder t)
        {
            foreach (var c in v.Vm.CowSpaces)
            {
                t.Append($"[{Id(c)} {c.Timestamp} {c.EntryMapped} {c.EntryWritable} {Id(c.Uobj)} {c.NeedsCopy} {c.Exited} {c.Exiting} ");
                t.Append($"{c.EntryStart}-{c.EntryEnd}@{c.AmapOffset} dead {c.DetachedOffset}+{c.DetachedPages} copy@{c.CopySourceOffset} ");
                foreach (var amap in new[] { c.Amap, c.DetachedAmap, c.CopySource })
                {
                    t.Append($"({Id(amap)}");
                    if (amap is not null)
                    {
                        t.Append($" {amap.Ref} {amap.NUsed}");
                        for (int i = 0; i < amap.Slots; i++) t.Append(' ').Append(Id(amap.Lookup(i)));
                        for (int i = 0; i < amap.NUsed; i++) t.Append(" s").Append(amap.SlotInUse(i));
                        if (amap.HasPpref) for (int i = 0; i < amap.Slots; i++) t.Append(" p").Append(amap.PprefAt(i));
                    }
                    t.Append(')');
                }
                for (int i = 0; i < c.Pages; i++)
                {
                    var (anon, page, writable) = c.PmapEntry(i);
                    t.Append($"{Id(anon)}/{Id(page)}/{writable} ");
                }
                t.Append(']');
            }
        }

        /// <summary>A pool's splay tree, shape and all.</summary>
        private static string Tree(Uvm.Model.Pool.PoolPage? n) => n is null ? "-" : $"({Tree(n.TreeLeft)} {Id(n)} {Tree(n.TreeRight)})";

        /// <summary>
        /// Object identity, not the text an object prints (two LWPs may print alike). A page prints its
        /// owner and borrower, which are in <see cref="StateDomain.Pages"/>: another part that refers to a
        /// page names it by its number alone, so that a change of owner does not read as a change of that part.
        /// </summary>
        /// <summary>
        /// An object's identity: a page by its number, a record of a pageout in flight by its slot (its
        /// text names the page as the page describes itself, which is the Pages part's), anything else as itself.
        /// </summary>
        private static string Id(object? o) => o is null ? "-"
            : $"{o switch { Uvm.Model.Vm.Page p => $"page {p.Number}", Uvm.Model.Vm.PageIo io => $"io {io.Slot}", _ => o }}#{System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o)}";
    }
}
