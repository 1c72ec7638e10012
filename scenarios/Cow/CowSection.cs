using Uvm.Model;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using static Uvm.Scenarios.ListShrinks;

namespace Uvm.Scenarios;

/// <summary>The <c>cow</c> section (<see cref="CowWorkload"/>): copy-on-write processes (model/Cow). Needs the <c>paging</c> section.</summary>
public sealed class CowSection : WorkloadSection<CowWorkload>
{
    /// <inheritdoc/>
    public override string Name => "cow";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [CowForkScenario.Scenario, RefaultScenario.Scenario, CowFileScenario.Scenario, CowMadviseScenario.Scenario, CowWireScenario.Scenario, CowWireEioScenario.Scenario, CowPartialScenario.Scenario];

    /// <inheritdoc/>
    protected override void Validate(CowWorkload cow, Workload workload, Problems problems)
    {
        problems.Check(workload.Section<PagingWorkload>() is not null, "", "needs a paging section (the pagedaemon and swap)");
        problems.Check(cow.Processes is not null && cow.Processes.Count <= CowWorkload.MaxProcesses, "processes", $"must list at most {CowWorkload.MaxProcesses} processes");
        for (int i = 0; i < (cow.Processes?.Count ?? 0); i++)
        {
            var spec = cow.Processes![i];
            var at = problems.At($"processes[{i}]");
            if (spec?.Ops is null || spec.ChildOps is null || spec.LwpOps is null) { at.Add("", "missing ops"); continue; }
            at.Check(spec.Pages is >= 1 and <= CowWorkload.MaxPages, "pages", $"must be 1..{CowWorkload.MaxPages}, is {spec.Pages}");
            Ops(spec.Ops, spec.Pages, at.At("ops"), fork: true);
            Ops(spec.ChildOps, spec.Pages, at.At("childOps"), fork: false);
            Ops(spec.LwpOps, spec.Pages, at.At("lwpOps"), fork: false);
            if (cow.FileBacked && new[] { spec.Ops, spec.ChildOps, spec.LwpOps }.Any(l => l.Any(o => o?.Kind is CowOpKind.Wire or CowOpKind.Unwire)))
                at.Add("", "mlock()/munlock() of a file-backed entry is not modelled");
            at.Check(spec.ChildOps.Count == 0 || spec.Ops.Any(o => o?.Kind == CowOpKind.Fork), "childOps", "need a fork in ops");
            // One dead-entry list per map (CowSpace.DetachedAmap): a partial munmap() never runs beside another LWP's munmap().
            at.Check(!spec.LwpOps.Any(o => o?.Kind == CowOpKind.UnmapRange), "lwpOps", "a partial munmap() by the second LWP is not modelled");
            at.Check(!spec.Ops.Any(o => o?.Kind == CowOpKind.UnmapRange) || !spec.LwpOps.Any(o => o?.Kind == CowOpKind.Unmap), "lwpOps",
                "a munmap() beside the process's partial munmap() is not modelled (one dead-entry list per map)");
        }
    }

    private static void Ops(IReadOnlyList<CowOp> ops, int pages, Problems at, bool fork)
    {
        at.Check(ops.Count <= CowWorkload.MaxOps, "", $"must list at most {CowWorkload.MaxOps} operations");
        for (int o = 0; o < ops.Count; o++)
        {
            var op = ops[o];
            if (op is null) { at.Add($"[{o}]", "missing operation"); continue; }
            if (op.Kind is CowOpKind.Read or CowOpKind.Write) at.Check(op.Page >= 0 && op.Page < pages, $"[{o}]", $"page must be 0..{pages - 1}");
            if (op.Kind == CowOpKind.Fork) at.Check(fork, $"[{o}]", "only the process's own ops may fork");
            if (op.Kind == CowOpKind.UnmapRange)
                at.Check(op.Pages >= 1 && op.Page >= 0 && op.Page + op.Pages <= pages && (op.Page == 0 || op.Page + op.Pages == pages), $"[{o}]",
                    $"a partial munmap() takes a head or a tail of pages 0..{pages - 1} (one entry left: a range inside it is not modelled)");
        }
        at.Check(ops.Count(op => op?.Kind == CowOpKind.Fork) <= 2, "", "at most two forks");
    }

    /// <summary>Anonymous instead of file-backed entries, fewer processes, then fewer ops of a process, its child or its second LWP.</summary>
    protected override IEnumerable<CowWorkload> Shrink(CowWorkload cow)
    {
        if (cow.FileBacked) yield return cow with { FileBacked = false };
        for (int i = 0; i < cow.Processes.Count; i++)
            yield return cow with { Processes = Without(cow.Processes, i) };
        for (int i = 0; i < cow.Processes.Count; i++)
        {
            var p = cow.Processes[i];
            for (int o = 0; o < p.LwpOps.Count; o++) yield return cow with { Processes = With(cow.Processes, i, p with { LwpOps = Without(p.LwpOps, o) }) };
            for (int o = 0; o < p.ChildOps.Count; o++) yield return cow with { Processes = With(cow.Processes, i, p with { ChildOps = Without(p.ChildOps, o) }) };
            for (int o = 0; o < p.Ops.Count; o++) yield return cow with { Processes = With(cow.Processes, i, p with { Ops = Without(p.Ops, o) }) };
        }
    }

    /// <inheritdoc/>
    protected override int Size(CowWorkload cow) => (cow.FileBacked ? 1 : 0) + cow.Processes.Sum(p => 1 + p.Ops.Count + p.ChildOps.Count + p.LwpOps.Count);

    /// <inheritdoc/>
    protected override string Summary(CowWorkload cow) => $"cow: {cow}";

    /// <summary>Per process: a child per fork (asleep until its fork), the process (with a vnode of its own when file-backed), its second LWP.</summary>
    protected override void Start(Kernel k, CowWorkload cow)
    {
        for (int i = 0; i < cow.Processes.Count; i++)
        {
            var spec = cow.Processes[i];
            var name = $"cow{i + 1}";
            var children = new List<CowProcess>();
            for (int c = 0; c < spec.Ops.Count(o => o.Kind == CowOpKind.Fork); c++)
            {
                var cname = c == 0 ? $"{name}child" : $"{name}child{c + 1}";
                var child = new CowProcess(k, cname, CowProcess.NewSpace(cname, spec.Pages, k.Versions, k.Discipline), spec.ChildOps, []);
                child.StartAsleep(child.ForkChannel);
                children.Add(child);
            }
            var space = CowProcess.NewSpace(name, spec.Pages, k.Versions, k.Discipline);
            if (cow.FileBacked) space.Uobj = VnodePager.Create(k, spec.Pages); // uvm_map(..., uvn_attach(vp), UVM_FLAG_COPYONW)
            var proc = new CowProcess(k, name, space, spec.Ops, children);
            if (spec.LwpOps.Count > 0) proc.AddLwp($"{name}lwp2", spec.LwpOps);
        }
    }
}
