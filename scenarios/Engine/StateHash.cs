using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Uvm.Model;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// A fingerprint of the kernel state as the read-only view shows it, to the depth explain shows
/// it: every public property of <see cref="IKernelView"/>, and for each entity in it (an LWP, a
/// page, a map...) its simple-valued public properties and the ids of the entities it refers to,
/// plus where each kernel thread sleeps or whether it has exited. Two states with the same
/// fingerprint look the same to every property; the threads' program counters and locals are not
/// part of it. Used to count distinct states, never to prune. Getters and typed mixers are
/// compiled once per type and hasher, so a state costs a walk over its entities with no boxing of
/// simple values and no allocation beyond enumerators.
/// </summary>
public sealed class StateHash
{
    /// <summary>How each type's public properties are read and mixed, built on first sight.</summary>
    private readonly Dictionary<Type, Reader[]> _readers = [];

    /// <summary>For each referenced type: the mixer of its identity property, or null when it has none.</summary>
    private readonly Dictionary<Type, Func<object, ulong, ulong>?> _identity = [];

    /// <summary>For each item type met in a collection: the getter of a dictionary entry's value, or null.</summary>
    private readonly Dictionary<Type, Func<object, object?>?> _unpair = [];

    /// <summary>The 64-bit FNV-1a hash of the kernel state.</summary>
    public ulong Of(Kernel kernel)
    {
        ulong h = 14695981039346656037UL;
        foreach (var root in ReadersOf(typeof(IKernelView)))
        {
            h = Mix(h, (ulong)root.Name.Length);
            if (root.MixSimple is { } mix)
            {
                h = mix(kernel, h);
                continue;
            }
            var value = root.Get(kernel);
            if (value is null) continue;
            if (value is IEnumerable items and not string)
                foreach (var item in items) h = MixEntity(h, Unpair(item), depth: 1);
            else h = MixEntity(h, value, depth: 1);
        }
        foreach (var t in kernel.Threads)
            h = Mix(h, t.Exited ? 1UL : t.SleepingOn is { } c ? (ulong)c.GetHashCode() | 2 : 3);
        return h;
    }

    /// <summary>Mixes an entity's simple properties; references to other entities count by their id or name only.</summary>
    private ulong MixEntity(ulong h, object? entity, int depth)
    {
        if (entity is null) return Mix(h, 0);
        var type = entity.GetType();
        if (IsSimple(type)) return MixValue(h, entity);
        foreach (var r in ReadersOf(type))
        {
            if (r.MixSimple is { } mix)
            {
                h = mix(entity, h);
                continue;
            }
            var v = r.Get(entity);
            if (v is null) { h = Mix(h, 0x9e37); continue; }
            if (depth > 0 && v is IEnumerable items and not string)
                foreach (var item in items) h = MixEntity(h, Unpair(item), depth - 1);
            else h = MixIdentity(h, v);
        }
        return h;
    }

    /// <summary>A referenced entity by its stable identity: its Id, Index or Name property when it has one.</summary>
    private ulong MixIdentity(ulong h, object o)
    {
        var type = o.GetType();
        if (!_identity.TryGetValue(type, out var mix))
        {
            mix = Array.Find(ReadersOf(type), r => r.MixSimple is not null && r.Name is "Id" or "Index" or "Name" or "Pid" or "Number")?.MixSimple;
            _identity[type] = mix;
        }
        // A getter that throws mixes as null; the identity of a type without one is its name's length.
        return mix is null ? Mix(h, (ulong)type.Name.Length) : mix(o, h);
    }

    /// <summary>A dictionary entry by its value, through a getter compiled once per entry type; anything else as itself.</summary>
    private object? Unpair(object? item)
    {
        if (item is null) return null;
        var t = item.GetType();
        if (!_unpair.TryGetValue(t, out var get))
        {
            get = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) ? Compile(t.GetProperty("Value")!) : null;
            _unpair[t] = get;
        }
        return get is null ? item : get(item);
    }

    private Reader[] ReadersOf(Type type)
    {
        if (_readers.TryGetValue(type, out var cached)) return cached;
        var props = type.IsInterface
            ? type.GetProperties().Concat(type.GetInterfaces().SelectMany(i => i.GetProperties()))
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var readers = props.Where(p => p.CanRead && p.GetMethod!.IsPublic && p.GetIndexParameters().Length == 0 && p.DeclaringType is not null)
            .OrderBy(p => p.MetadataToken)
            .Select(p => new Reader(p.Name, IsSimple(p.PropertyType) ? CompileMixer(p) : null, Compile(p)))
            .ToArray();
        _readers[type] = readers;
        return readers;
    }

    private static Func<object, object?> Compile(PropertyInfo p)
    {
        var o = Expression.Parameter(typeof(object));
        var body = Expression.Convert(Expression.Property(Expression.Convert(o, p.DeclaringType!), p), typeof(object));
        var get = Expression.Lambda<Func<object, object?>>(body, o).Compile();
        return target =>
        {
            try
            {
                return get(target);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null;
            }
        };
    }

    /// <summary>
    /// A mixer that reads a simple-valued property and mixes it into the hash without boxing:
    /// integers, bools and enums by value, strings by characters; other simple types (nullable,
    /// floating point) through <see cref="MixValue"/>. A getter that throws mixes as null does.
    /// </summary>
    private static Func<object, ulong, ulong> CompileMixer(PropertyInfo p)
    {
        var o = Expression.Parameter(typeof(object));
        var h = Expression.Parameter(typeof(ulong));
        var value = Expression.Property(Expression.Convert(o, p.DeclaringType!), p);
        var t = p.PropertyType;
        var u = t.IsEnum ? Enum.GetUnderlyingType(t) : t;
        Expression body;
        if (u == typeof(bool))
            body = Expression.Call(MixMethod, h, Expression.Condition(value, Expression.Constant(1UL), Expression.Constant(2UL)));
        else if (u == typeof(int) || u == typeof(short) || u == typeof(sbyte))
            body = Expression.Call(MixMethod, h,
                Expression.Convert(Expression.Convert(Expression.Convert(Expression.Convert(value, u), typeof(int)), typeof(uint)), typeof(ulong)));
        else if (u == typeof(long) || u == typeof(uint) || u == typeof(ulong) || u == typeof(ushort) || u == typeof(byte) || u == typeof(char))
            body = Expression.Call(MixMethod, h, Expression.Convert(Expression.Convert(value, u), typeof(ulong)));
        else if (u == typeof(string))
            body = Expression.Call(typeof(StateHash).GetMethod(nameof(MixNullableString), BindingFlags.NonPublic | BindingFlags.Static)!, h, value);
        else
            body = Expression.Call(typeof(StateHash).GetMethod(nameof(MixBoxed), BindingFlags.NonPublic | BindingFlags.Static)!, h,
                Expression.Convert(value, typeof(object)));
        var mix = Expression.Lambda<Func<object, ulong, ulong>>(body, o, h).Compile();
        return (target, seed) =>
        {
            try
            {
                return mix(target, seed);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Mix(seed, 0x9e37);
            }
        };
    }

    private static readonly MethodInfo MixMethod = typeof(StateHash).GetMethod(nameof(Mix), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static ulong MixNullableString(ulong h, string? s) => s is null ? Mix(h, 0x9e37) : MixString(h, s);

    private static ulong MixBoxed(ulong h, object? v) => v is null ? Mix(h, 0x9e37) : MixValue(h, v);

    private static bool IsSimple(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || Nullable.GetUnderlyingType(t) is { } u && IsSimple(u);

    private static ulong MixValue(ulong h, object v) => v switch
    {
        string s => MixString(h, s),
        bool b => Mix(h, b ? 1UL : 2UL),
        int i => Mix(h, (ulong)(uint)i),
        long l => Mix(h, (ulong)l),
        Enum e => Mix(h, Convert.ToUInt64(e, System.Globalization.CultureInfo.InvariantCulture)),
        _ => MixString(h, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };

    private static ulong MixString(ulong h, string s)
    {
        foreach (char c in s) h = (h ^ c) * 1099511628211UL;
        return Mix(h, (ulong)s.Length);
    }

    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v;
        h *= 1099511628211UL;
        return h ^ (h >> 29);
    }

    /// <summary>
    /// A compiled getter of one public property, and for a simple-valued one a compiled mixer that
    /// reads and mixes it without boxing.
    /// </summary>
    private sealed record Reader(string Name, Func<object, ulong, ulong>? MixSimple, Func<object, object?> Get);
}
