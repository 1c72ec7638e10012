using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// A fingerprint of the kernel state as the read-only view shows it, to the depth explain shows
/// it: every public property of <see cref="IKernelView"/>, and for each entity in it (an LWP, a
/// page, a map...) its simple-valued public properties and the ids of the entities it refers to,
/// plus where each kernel thread sleeps or whether it has exited. Two states with the same
/// fingerprint look the same to every property but the data detector's: a page's data
/// (model/Vm/Content.cs) has no id, so only whether it is zeros shows, and which places share data
/// does not. The threads' program counters and locals are not part of it. Used to count distinct states, never to prune (verify's state cache prunes on
/// <see cref="StateKey"/>, which has them). How each type is read is compiled
/// once per type and hasher (<see cref="Shape"/>): each run of consecutive simple-valued
/// properties is one compiled mixer, so a state costs a walk over its entities with one lookup
/// per entity, one call per run of simple properties, no boxing of simple values, and no
/// allocation beyond the enumerators of collections that are not lists.
/// </summary>
public sealed class StateHash
{
    /// <summary>How each type is read and mixed, built on first sight; types compare by reference.</summary>
    private readonly Dictionary<Type, Shape> _shapes = new(ReferenceEqualityComparer.Instance);

    /// <summary>The readers of <see cref="IKernelView"/>'s properties, built on the first state.</summary>
    private Reader[]? _roots;

    /// <summary>Per root, the parts of the state it shows when all its writes bump their versions; null: rehashed every time.</summary>
    private StateDomain?[]? _domains;

    /// <summary>The kernel whose roots are cached, and per root the stamp of its parts and its hash at that stamp.</summary>
    private Kernel? _cached;
    private long[] _stamps = [];
    private ulong[] _values = [];

    /// <summary>
    /// The 64-bit hash of the kernel state: each root of the view hashed on its own, then
    /// combined. A root that shows only parts of the state whose writes bump their write versions
    /// (<see cref="RootDomain"/>) is rehashed only when one of those versions moved since this
    /// hasher last hashed it in the same kernel; the value is <see cref="Full"/>'s either way.
    /// </summary>
    public ulong Of(Kernel kernel) => Hash(kernel, incremental: true);

    /// <summary>The same hash, every root rehashed (what <see cref="Of"/> must equal).</summary>
    public ulong Full(Kernel kernel) => Hash(kernel, incremental: false);

    private ulong Hash(Kernel kernel, bool incremental)
    {
        var roots = _roots ??= ReadersOf(typeof(IKernelView));
        _domains ??= [.. roots.Select(r => RootDomain(r.Name))];
        if (incremental && !ReferenceEquals(kernel, _cached))
        {
            _cached = kernel;
            _stamps = new long[roots.Length];
            _values = new ulong[roots.Length];
            Array.Fill(_stamps, -1);
        }
        ulong h = Offset;
        for (int i = 0; i < roots.Length; i++)
        {
            if (incremental && _domains[i] is { } parts)
            {
                long stamp = kernel.Versions.Stamp(parts);
                if (stamp != _stamps[i]) (_stamps[i], _values[i]) = (stamp, Root(kernel, roots[i]));
                h = Mix(h, _values[i]);
            }
            else h = Mix(h, Root(kernel, roots[i]));
        }
        foreach (var t in kernel.Threads)
            h = Mix(h, t.Exited ? 1UL : t.SleepingOn is { } c ? (ulong)c.GetHashCode() | 2 : 3);
        return h;
    }

    /// <summary>
    /// The parts of the state (<see cref="StateDomain"/>) that a root of the view shows, to the
    /// depth hashed, when every field shown is in one of them; null for a root that shows state
    /// outside every part: the detectors' log, and the dead lists, whose queueing no part counts.
    /// The configuration never changes: no part. The kernel threads show, beyond names and links
    /// fixed at boot, only where each sleeps and whether it exited. The LWP lists, the run queue
    /// and the processes (with their LWPs) show struct proc and struct lwp, an LWP's u-area
    /// wiring, and its clocks and program position.
    /// </summary>
    private static StateDomain? RootDomain(string root) => root switch
    {
        nameof(IKernelView.Config) => StateDomain.None,
        nameof(IKernelView.Cpus) => StateDomain.Sched,
        nameof(IKernelView.Uvmexp) => StateDomain.Pages | StateDomain.Swap | StateDomain.VmCounters,
        nameof(IKernelView.Vm) => StateDomain.Vm,
        nameof(IKernelView.Vmspaces) => StateDomain.Map | StateDomain.Proc,
        nameof(IKernelView.Uareas) => StateDomain.Uarea,
        nameof(IKernelView.Pools) => StateDomain.Pool,
        nameof(IKernelView.Threads) => StateDomain.Sleep,
        nameof(IKernelView.Lwps) or nameof(IKernelView.KthreadLwps) or nameof(IKernelView.RunQueue)
            or nameof(IKernelView.Procs) => LwpParts,
        _ => null,
    };

    private const StateDomain LwpParts = StateDomain.Sched | StateDomain.Proc | StateDomain.Uarea | StateDomain.LwpClock;

    /// <summary>One root of the view, hashed on its own.</summary>
    private ulong Root(Kernel kernel, Reader root)
    {
        ulong h = Mix(Offset, (ulong)root.Name.Length);
        if (root.MixSimple is { } mix) return mix(kernel, h);
        var value = root.Get(kernel);
        if (value is null) return h;
        return value is IEnumerable items and not string ? MixItems(h, items, depth: 1) : MixEntity(h, value, depth: 1);
    }

    private const ulong Offset = 14695981039346656037UL;

    /// <summary>Mixes the items of a collection in order (a dictionary's entries by their values), each at <paramref name="depth"/>.</summary>
    private ulong MixItems(ulong h, IEnumerable items, int depth)
    {
        if (items is IList list)
        {
            for (int i = 0; i < list.Count; i++) h = MixEntity(h, list[i], depth, unpair: true);
        }
        else
        {
            foreach (var item in items) h = MixEntity(h, item, depth, unpair: true);
        }
        return h;
    }

    /// <summary>
    /// Mixes an entity's simple properties; references to other entities count by their id or name
    /// only. With <paramref name="unpair"/> (a collection's item), a dictionary entry counts as its value.
    /// </summary>
    private ulong MixEntity(ulong h, object? entity, int depth, bool unpair = false)
    {
        if (entity is null) return Mix(h, 0);
        var shape = ShapeOf(entity.GetType());
        if (unpair && shape.PairValue is { } value) return MixEntity(h, value(entity), depth);
        if (shape.Simple) return MixValue(h, entity);
        foreach (var part in shape.Parts)
        {
            if (part.Simple is { } mix)
            {
                h = mix(entity, h);
                continue;
            }
            var v = part.Get!(entity);
            if (v is null) h = Mix(h, 0x9e37);
            else if (depth > 0 && v is IEnumerable items and not string) h = MixItems(h, items, depth - 1);
            else h = MixIdentity(h, v);
        }
        return h;
    }

    /// <summary>A referenced entity by its stable identity: its Id, Index or Name property when it has one.</summary>
    private ulong MixIdentity(ulong h, object o)
    {
        var shape = ShapeOf(o.GetType());
        // A getter that throws mixes as null; the identity of a type without one is its name's length.
        return shape.Identity is { } mix ? mix(o, h) : Mix(h, shape.NameLength);
    }

    private Shape ShapeOf(Type type)
    {
        if (_shapes.TryGetValue(type, out var shape)) return shape;
        var readers = IsSimple(type) ? [] : ReadersOf(type);
        var identity = Array.Find(readers, r => r.MixSimple is not null && r.Name is "Id" or "Index" or "Name" or "Pid" or "Number")?.MixSimple;
        var pair = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) ? StateHashCompiler.Getter(type.GetProperty("Value")!) : null;
        shape = new Shape(IsSimple(type), StateHashCompiler.Parts(readers), identity, (ulong)type.Name.Length, pair);
        _shapes[type] = shape;
        return shape;
    }

    /// <summary>The readers of a type's public instance properties (an interface's and its bases'), in declaration order.</summary>
    private static Reader[] ReadersOf(Type type)
    {
        var props = type.IsInterface
            ? type.GetProperties().Concat(type.GetInterfaces().SelectMany(i => i.GetProperties()))
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        return [.. props.Where(p => p.CanRead && p.GetMethod!.IsPublic && p.GetIndexParameters().Length == 0 && p.DeclaringType is not null)
            .OrderBy(p => p.MetadataToken)
            .Select(p => new Reader(p, p.Name, IsSimple(p.PropertyType) ? StateHashCompiler.Mixer([p]) : null, StateHashCompiler.Getter(p)))];
    }

    internal static bool IsSimple(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || Nullable.GetUnderlyingType(t) is { } u && IsSimple(u);

    internal static ulong MixValue(ulong h, object v) => v switch
    {
        string s => MixString(h, s),
        bool b => Mix(h, b ? 1UL : 2UL),
        int i => Mix(h, (ulong)(uint)i),
        long l => Mix(h, (ulong)l),
        Enum e => Mix(h, Convert.ToUInt64(e, System.Globalization.CultureInfo.InvariantCulture)),
        _ => MixString(h, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };

    internal static ulong MixString(ulong h, string s)
    {
        foreach (char c in s) h = (h ^ c) * 1099511628211UL;
        return Mix(h, (ulong)s.Length);
    }

    internal static ulong Mix(ulong h, ulong v)
    {
        h ^= v;
        h *= 1099511628211UL;
        return h ^ (h >> 29);
    }
}

/// <summary>
/// A compiled getter of one public property, and for a simple-valued one a compiled mixer that
/// reads and mixes it without boxing.
/// </summary>
internal sealed record Reader(PropertyInfo Property, string Name, Func<object, ulong, ulong>? MixSimple, Func<object, object?> Get);

/// <summary>
/// One step of an entity's walk, in property order: a compiled mixer of a run of consecutive
/// simple-valued properties, or the getter of one property that refers to other entities.
/// </summary>
internal readonly record struct ShapePart(Func<object, ulong, ulong>? Simple, Func<object, object?>? Get);

/// <summary>
/// How one type is hashed: whether it is a simple value, the steps of its walk, the mixer of its
/// identity property (null if it has none) and its name's length, and for a dictionary entry the
/// getter of its value.
/// </summary>
internal sealed record Shape(bool Simple, ShapePart[] Parts, Func<object, ulong, ulong>? Identity, ulong NameLength, Func<object, object?>? PairValue);
