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
/// part of it. Used to count distinct states, never to prune. Getters are compiled once per type
/// and hasher, so a state costs a walk over its entities and no allocation beyond enumerators.
/// </summary>
public sealed class StateHash
{
    /// <summary>How each type's public properties are read and mixed, built on first sight.</summary>
    private readonly Dictionary<Type, Reader[]> _readers = [];

    /// <summary>The 64-bit FNV-1a hash of the kernel state.</summary>
    public ulong Of(Kernel kernel)
    {
        ulong h = 14695981039346656037UL;
        foreach (var root in ReadersOf(typeof(IKernelView)))
        {
            var value = root.Get(kernel);
            h = Mix(h, (ulong)root.Name.Length);
            if (value is null) continue;
            if (root.Simple) h = MixValue(h, value);
            else if (value is IEnumerable items and not string)
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
            var v = r.Get(entity);
            if (v is null) { h = Mix(h, 0x9e37); continue; }
            if (r.Simple) h = MixValue(h, v);
            else if (depth > 0 && v is IEnumerable items and not string)
                foreach (var item in items) h = MixEntity(h, Unpair(item), depth - 1);
            else h = MixIdentity(h, v);
        }
        return h;
    }

    /// <summary>A referenced entity by its stable identity: its Id, Index or Name property when it has one.</summary>
    private ulong MixIdentity(ulong h, object o)
    {
        foreach (var r in ReadersOf(o.GetType()))
            if (r.Simple && r.Name is "Id" or "Index" or "Name" or "Pid" or "Number" && r.Get(o) is { } id) return MixValue(h, id);
        return Mix(h, (ulong)o.GetType().Name.Length);
    }

    private static object? Unpair(object? item)
    {
        if (item is null) return null;
        var t = item.GetType();
        return t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) ? t.GetProperty("Value")!.GetValue(item) : item;
    }

    private Reader[] ReadersOf(Type type)
    {
        if (_readers.TryGetValue(type, out var cached)) return cached;
        var props = type.IsInterface
            ? type.GetProperties().Concat(type.GetInterfaces().SelectMany(i => i.GetProperties()))
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var readers = props.Where(p => p.CanRead && p.GetMethod!.IsPublic && p.GetIndexParameters().Length == 0 && p.DeclaringType is not null)
            .OrderBy(p => p.MetadataToken)
            .Select(p => new Reader(p.Name, IsSimple(p.PropertyType), Compile(p)))
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

    /// <summary>A compiled getter of one public property and whether its type is a simple value.</summary>
    private sealed record Reader(string Name, bool Simple, Func<object, object?> Get);
}
