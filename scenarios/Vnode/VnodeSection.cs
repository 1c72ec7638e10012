using Uvm.Model;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using static Uvm.Scenarios.ListShrinks;

namespace Uvm.Scenarios;

/// <summary>The <c>vnodes</c> section (<see cref="VnodeWorkload"/>): files and their MAP_SHARED users. Needs the <c>paging</c> section.</summary>
public sealed class VnodeSection : WorkloadSection<VnodeWorkload>
{
    /// <inheritdoc/>
    public override string Name => "vnodes";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [VnodePageoutScenario.Scenario, VnodeSyncScenario.Scenario, VnodeRecycleScenario.Scenario];

    /// <inheritdoc/>
    protected override void Validate(VnodeWorkload vn, Workload workload, Problems problems)
    {
        problems.Check(workload.Section<PagingWorkload>() is not null, "", "needs a paging section (the pagedaemon and the aiodone daemon)");
        problems.Check(vn.Files is { Count: >= 1 and <= VnodeWorkload.MaxFiles }, "files", $"must list 1..{VnodeWorkload.MaxFiles} files");
        for (int f = 0; f < (vn.Files?.Count ?? 0); f++)
            problems.Check(vn.Files![f] is >= 1 and <= VnodeWorkload.MaxPages, $"files[{f}]", $"must be 1..{VnodeWorkload.MaxPages} pages, is {vn.Files[f]}");
        problems.Check(vn.Users is not null && vn.Users.Count <= VnodeWorkload.MaxUsers, "users", $"must list at most {VnodeWorkload.MaxUsers} users");
        problems.Check(vn.Opens is not null && vn.Opens.Count <= 2, "opens", "must list at most 2 namei processes");
        for (int n = 0; n < (vn.Opens?.Count ?? 0); n++)
        {
            var opens = vn.Opens![n];
            if (opens is null) { problems.Add($"opens[{n}]", "missing opens"); continue; }
            problems.Check(opens.Count <= VnodeWorkload.MaxOpens, $"opens[{n}]", $"must list at most {VnodeWorkload.MaxOpens} opens");
            for (int o = 0; o < opens.Count; o++)
                problems.Check(opens[o] >= 0 && opens[o] < VnodeWorkload.MaxFiles * 2, $"opens[{n}][{o}]", $"must be 0..{VnodeWorkload.MaxFiles * 2 - 1}, is {opens[o]}");
        }
        for (int u = 0; u < (vn.Users?.Count ?? 0); u++)
        {
            var ops = vn.Users![u];
            var at = problems.At($"users[{u}]");
            if (ops is null) { at.Add("", "missing touches"); continue; }
            at.Check(ops.Count <= VnodeWorkload.MaxOps, "", $"must list at most {VnodeWorkload.MaxOps} touches");
            for (int o = 0; o < ops.Count; o++)
            {
                var t = ops[o];
                bool fileOk = t is not null && vn.Files is not null && t.File >= 0 && t.File < vn.Files.Count;
                at.Check(fileOk, $"[{o}].file", $"must be 0..{(vn.Files?.Count ?? 0) - 1}");
                if (fileOk && t!.Sync == FileSync.None) at.Check(t.Page >= 0 && t.Page < vn.Files![t.File], $"[{o}].page", $"must be 0..{vn.Files![t.File] - 1}");
            }
        }
    }

    /// <summary>Fewer opens, fewer users, fewer touches, smaller files (touches past the end are dropped with the page).</summary>
    protected override IEnumerable<VnodeWorkload> Shrink(VnodeWorkload vn)
    {
        foreach (var opens in Removals(vn.Opens, o => o, (_, o) => o))
            yield return vn with { Opens = opens };
        foreach (var users in Removals(vn.Users, u => u, (_, ops) => ops))
            yield return vn with { Users = users };
        for (int f = 0; f < vn.Files.Count; f++)
        {
            if (vn.Files[f] <= 1) continue;
            int size = vn.Files[f] - 1;
            yield return vn with
            {
                Files = With(vn.Files, f, size),
                Users = [.. vn.Users.Select(u => (IReadOnlyList<FileTouch>)[.. u.Where(t => t.File != f || t.Page < size || t.Sync != FileSync.None)])],
            };
        }
        for (int i = 0; i < vn.Users.Count; i++)
            for (int o = 0; o < vn.Users[i].Count; o++)
                if (vn.Users[i][o] is { Write: true, Sync: FileSync.None })
                    yield return vn with { Users = With(vn.Users, i, With(vn.Users[i], o, vn.Users[i][o] with { Write = false })) };
    }

    /// <inheritdoc/>
    protected override int Size(VnodeWorkload vn) =>
        vn.Files.Sum() + vn.Users.Sum(u => 1 + u.Count + u.Count(t => t.Write)) + vn.Opens.Sum(o => 1 + o.Count);

    /// <inheritdoc/>
    protected override string Summary(VnodeWorkload vn) => $"vnodes: {vn}";

    /// <inheritdoc/>
    protected override void Start(Kernel k, VnodeWorkload vn)
    {
        var files = vn.Files.Select(pages => VnodePager.Create(k, pages)).ToArray();
        for (int i = 0; i < vn.Users.Count; i++)
            _ = new FileUser(k, $"file{i + 1}", files, vn.Users[i]);
        // A vnode nobody maps is one a process opened and closed before: on the free list, its pages cached.
        foreach (var f in files)
            if (f.UseCount == 0)
            {
                k.Vm.VnodeFreeListTaken.Add(f);
                f.OnFreeList = true;
            }
        k.Vm.DesiredVnodes = files.Length;
        for (int i = 0; i < vn.Opens.Count; i++)
            _ = new NameiThread(k, $"namei{i + 1}", vn.Opens[i]);
    }
}
