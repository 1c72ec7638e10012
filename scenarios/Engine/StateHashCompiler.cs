using System.Linq.Expressions;
using System.Reflection;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// Compiles <see cref="StateHash"/>'s readers: getters and mixers of public properties, each
/// property's read guarded so that a getter that throws mixes as null (the value 0x9e37) or reads
/// as null, as an exception-free walk would see it.
/// </summary>
internal static class StateHashCompiler
{
    private static readonly MethodInfo MixMethod = Method(nameof(StateHash.Mix));
    private static readonly MethodInfo MixNullableStringMethod = typeof(StateHashCompiler).GetMethod(nameof(MixNullableString), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo MixBoxedMethod = typeof(StateHashCompiler).GetMethod(nameof(MixBoxed), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The steps of a walk over <paramref name="readers"/>: each run of simple-valued properties fused into one mixer.</summary>
    public static ShapePart[] Parts(Reader[] readers)
    {
        var parts = new List<ShapePart>();
        var run = new List<PropertyInfo>();
        foreach (var r in readers)
        {
            if (r.MixSimple is not null)
            {
                run.Add(r.Property);
                continue;
            }
            if (run.Count > 0) parts.Add(new ShapePart(Mixer(run), null));
            run.Clear();
            parts.Add(new ShapePart(null, r.Get));
        }
        if (run.Count > 0) parts.Add(new ShapePart(Mixer(run), null));
        return [.. parts];
    }

    /// <summary>A getter of <paramref name="p"/> as an object; null when the getter throws.</summary>
    public static Func<object, object?> Getter(PropertyInfo p)
    {
        var o = Expression.Parameter(typeof(object));
        var read = Expression.Convert(Expression.Property(Expression.Convert(o, p.DeclaringType!), p), typeof(object));
        var body = Expression.TryCatch(read, Guard(Expression.Constant(null, typeof(object))));
        return Expression.Lambda<Func<object, object?>>(body, o).Compile();
    }

    /// <summary>
    /// One mixer that reads and mixes each simple-valued property of <paramref name="props"/> in
    /// turn, without boxing: integers, bools and enums by value, strings by characters, other
    /// simple types (nullable, floating point) through <see cref="StateHash.MixValue"/>. A getter
    /// that throws mixes as null does, and the next property goes on from there.
    /// </summary>
    public static Func<object, ulong, ulong> Mixer(IReadOnlyList<PropertyInfo> props)
    {
        var o = Expression.Parameter(typeof(object));
        var h = Expression.Parameter(typeof(ulong));
        var steps = new List<Expression>();
        foreach (var p in props)
        {
            var mixed = MixOne(Expression.Property(Expression.Convert(o, p.DeclaringType!), p), h);
            steps.Add(Expression.Assign(h, Expression.TryCatch(mixed, Guard(Expression.Call(MixMethod, h, Expression.Constant(0x9e37UL))))));
        }
        steps.Add(h);
        return Expression.Lambda<Func<object, ulong, ulong>>(Expression.Block(steps), o, h).Compile();
    }

    /// <summary>A handler of every exception but running out of memory, whose value is <paramref name="value"/>.</summary>
    private static CatchBlock Guard(Expression value)
    {
        var e = Expression.Parameter(typeof(Exception));
        return Expression.Catch(e, value, Expression.Not(Expression.TypeIs(e, typeof(OutOfMemoryException))));
    }

    private static Expression MixOne(MemberExpression value, ParameterExpression h)
    {
        var t = value.Type;
        var u = t.IsEnum ? Enum.GetUnderlyingType(t) : t;
        if (u == typeof(bool))
            return Expression.Call(MixMethod, h, Expression.Condition(Expression.Convert(value, typeof(bool)), Expression.Constant(1UL), Expression.Constant(2UL)));
        if (u == typeof(int) || u == typeof(short) || u == typeof(sbyte))
            return Expression.Call(MixMethod, h,
                Expression.Convert(Expression.Convert(Expression.Convert(Expression.Convert(value, u), typeof(int)), typeof(uint)), typeof(ulong)));
        if (u == typeof(long) || u == typeof(uint) || u == typeof(ulong) || u == typeof(ushort) || u == typeof(byte) || u == typeof(char))
            return Expression.Call(MixMethod, h, Expression.Convert(Expression.Convert(value, u), typeof(ulong)));
        if (u == typeof(string))
            return Expression.Call(MixNullableStringMethod, h, value);
        return Expression.Call(MixBoxedMethod, h, Expression.Convert(value, typeof(object)));
    }

    private static MethodInfo Method(string name) => typeof(StateHash).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static ulong MixNullableString(ulong h, string? s) => s is null ? StateHash.Mix(h, 0x9e37) : StateHash.MixString(h, s);

    private static ulong MixBoxed(ulong h, object? v) => v is null ? StateHash.Mix(h, 0x9e37) : StateHash.MixValue(h, v);
}
