using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// The leak checks: once nothing more can run, every reference count equals the references that
/// are still held, so an object nobody holds any more has been freed. The kernel states each count
/// once (uvm_anon.h an_ref "reference count", uvm_object.h uo_refs) and frees at the last release
/// (amap_wipeout(), uvm_unloananon(), uao_detach_locked()); a path that forgets a release, or takes
/// one reference too many on a rare branch, leaves memory and swap space lost for good with every
/// per-step invariant still true (the anon's page and slot are accounted for: something, the leak,
/// still records them). Judged at the end only: between the steps of one path a reference may sit
/// in a local variable (an anon uvm_analloc() returned, a walk's uao_reference()) that no structure
/// records. Subsystem <c>detector</c>: checked in every scenario.
/// </summary>
public static class LeakDetector
{
    /// <summary>an_ref of every live anon equals the references held on it.</summary>
    public static readonly LivenessProperty AnonRefsEqualTheirHolders = new(
        nameof(AnonRefsEqualTheirHolders),
        "Once nothing more can run, every live anon's an_ref equals the references held on it (slots of the copy-on-write amaps, of the processes' private amaps, anons lent by uvm_loan() and not given back): an anon nobody holds has been freed.",
        Detector.Subsystem, k =>
        {
            var anons = k.Vm.Anons;
            if (anons.Count == 0) return null;
            var held = new List<Anon>();
            AddAmapReferences(k.Vm.CowSpaces, held);
            for (int i = 0; i < k.Threads.Count; i++) k.Threads[i].AddAnonReferences(held);
            for (int i = 0; i < anons.Count; i++)
            {
                var a = anons[i];
                if (a.Freed) continue;
                int n = 0;
                for (int j = 0; j < held.Count; j++)
                    if (held[j] == a) n++;
                if (n == a.RefCount) continue;
                return n == 0
                    ? $"{a} is live with an_ref {a.RefCount} but nothing references it (leaked, with its " + (a.Page is { } p ? $"{p}" : "no page") + (a.SwSlot != 0 ? $" and swap slot {a.SwSlot})" : ")")
                    : $"{a} has an_ref {a.RefCount} but {n} reference(s) hold it";
            }
            return null;
        });

    /// <summary>uo_refs of every live shm aobj equals its segment's reference and its attachments.</summary>
    public static readonly LivenessProperty ShmObjectRefsEqualTheirHolders = new(
        nameof(ShmObjectRefsEqualTheirHolders),
        "Once nothing more can run, every live aobj's uo_refs equals the references held on it: one for its SysV shm segment while the segment exists (uao_create in shmget), one per attachment (uao_reference in shmat): an aobj nobody holds has been freed by its last uao_detach().",
        Detector.Subsystem, k =>
        {
            var objects = k.Vm.AObjs;
            var segments = k.Vm.ShmSegments;
            for (int i = 0; i < objects.Count; i++)
            {
                var o = objects[i];
                if (o.Freed || o.IsKernelObject) continue;
                int n = 0;
                for (int j = 0; j < segments.Count; j++)
                    if (segments[j].Object == o) n += 1 + segments[j].Nattch;
                if (n == o.Refs) continue;
                return n == 0
                    ? $"{o} is live with uo_refs {o.Refs} but no shm segment or attachment holds it (leaked)"
                    : $"{o} has uo_refs {o.Refs} but its segment and attachments hold {n}";
            }
            return null;
        });

    /// <summary>One entry per slot reference of each distinct amap of the copy-on-write spaces (amap_ref() shares one amap between spaces).</summary>
    private static void AddAmapReferences(IReadOnlyList<CowSpace> spaces, List<Anon> into)
    {
        var seen = new List<Amap>();
        for (int i = 0; i < spaces.Count; i++)
        {
            Add(spaces[i].Amap);
            Add(spaces[i].DetachedAmap);
        }

        void Add(Amap? amap)
        {
            if (amap is null || seen.Contains(amap)) return;
            seen.Add(amap);
            for (int slot = 0; slot < amap.Slots; slot++)
                if (amap.Lookup(slot) is { } anon) into.Add(anon);
        }
    }

    /// <summary>Every leak check.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [AnonRefsEqualTheirHolders, ShmObjectRefsEqualTheirHolders];
}
