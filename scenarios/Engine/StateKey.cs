using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>A 128-bit fingerprint of a whole state, compared by verify's state cache.</summary>
public readonly record struct StateFingerprint(ulong A, ulong B);

/// <summary>
/// A fingerprint of everything that decides what a kernel does from here on, for verify's state
/// cache (docs/verify.md, "State caching"): every field, private ones included, of every object
/// reachable from the kernel, and so each kernel thread's program position, locals and the
/// iterators it is nested in (the compiler keeps them as fields of the iterator objects), minus the
/// fields marked <see cref="NotStateAttribute"/>. Unlike <see cref="StateHash"/>, which shows the
/// kernel view to explain's depth and only counts, this is sound to prune on, up to a collision
/// of 128 bits. Objects are named by the order in which a breadth-first walk from the kernel first
/// meets them, so two runs that build the same object graph in different orders, or with
/// different object addresses, get the same fingerprint. Collections of the runtime are read as
/// their items in order (not their capacity or modification counts); strings by content; a
/// delegate by its method and target. How each type is walked is compiled once per type.
/// </summary>
public sealed class StateKey : IStateMixer
{
    /// <summary>The compiled walk of each type met, and its name's hash; types compare by reference.</summary>
    private readonly Dictionary<Type, Shape> _walks = new(ReferenceEqualityComparer.Instance);

    /// <summary>How a type is mixed: its walk, its name's hash and how a reference to it is mixed.</summary>
    private sealed record Shape(Action<object, StateKey> Walk, long Name, Kind Kind);

    /// <summary>The number of each object met in this walk, by reference.</summary>
    private readonly Dictionary<object, int> _ids = new(ReferenceEqualityComparer.Instance);

    /// <summary>Objects met whose fields are still to be mixed, in the order met, each with its type's shape.</summary>
    private readonly Queue<(object Item, Shape Shape)> _todo = new();

    /// <summary>The type met last and its shape: objects of one type tend to come together.</summary>
    private Type? _lastType;
    private Shape? _lastShape;

    private ulong _a, _b;

    /// <summary>True when fields marked <see cref="ClockAttribute"/> are left out (the cycle watch's key).</summary>
    private readonly bool _clockless;

    /// <summary>A key of whole states; with <paramref name="clockless"/>, of states without their clock readings and ages (<see cref="ClockAttribute"/>).</summary>
    public StateKey(bool clockless = false) => _clockless = clockless;

    /// <summary>The fingerprint of <paramref name="kernel"/>'s state, with what <paramref name="driver"/> shows of its own (verify's preemptions spent, say).</summary>
    public StateFingerprint Of(Kernel kernel, IStateShown? driver = null)
    {
        (_a, _b) = (14695981039346656037UL, 0x9E3779B97F4A7C15UL);
        _ids.Clear();
        _todo.Clear();
        driver?.Show(this);
        Ref(kernel);
        while (_todo.TryDequeue(out var o)) o.Shape.Walk(o.Item, this);
        Value(_ids.Count);
        return new StateFingerprint(_a, _b);
    }

    /// <inheritdoc/>
    public void Value(long value)
    {
        ulong v = (ulong)value;
        _a = (_a ^ v) * 1099511628211UL;
        _a ^= _a >> 29;
        _b = ulong.RotateLeft(_b + v * 0xC2B2AE3D27D4EB4FUL, 31) * 0x9E3779B97F4A7C15UL;
    }

    /// <inheritdoc/>
    public void Text(string? text)
    {
        if (text is null)
        {
            Value(-1);
            return;
        }
        // The length, then four characters at a time, then the rest one by one.
        Value(text.Length);
        var chars = text.AsSpan();
        var quads = System.Runtime.InteropServices.MemoryMarshal.Cast<char, long>(chars);
        foreach (long q in quads) Value(q);
        foreach (char c in chars[(quads.Length * 4)..]) Value(c);
    }

    /// <inheritdoc/>
    public void Ref(object? target)
    {
        // What is mixed begins with an object's number (0 or more) or a negative tag of its kind,
        // and every part of variable length with its length: no two different graphs mix alike
        // (a boxed -2 and a null, or a string and an object's number, in a slot typed object).
        if (target is null)
        {
            Value(-2);
            return;
        }
        if (target is string s)
        {
            Value(-6);
            Text(s);
            return;
        }
        if (_ids.TryGetValue(target, out int id))
        {
            Value(id);
            return;
        }
        var shape = WalkOf(target.GetType());
        switch (shape.Kind)
        {
            case Kind.Scalar:
                Value(-3);
                Value(ScalarOf(target));
                return;
            case Kind.Struct:
                // A boxed struct (an item of a collection read without its type): its fields, in place.
                Value(-8);
                Value(shape.Name);
                shape.Walk(target, this);
                return;
            case Kind.Delegate:
                // A delegate is its method and target; its code pointers move as the JIT tiers up.
                var d = (Delegate)target;
                Value(-4);
                Value(d.Method.MetadataToken);
                Text(d.Method.DeclaringType?.FullName);
                Ref(d.Target);
                return;
            case Kind.Type:
                Value(-5);
                Text(((Type)target).FullName);
                return;
        }
        id = _ids.Count;
        _ids[target] = id;
        _todo.Enqueue((target, shape));
        Value(id);
        Value(shape.Name);
    }

    /// <summary>How a value of a type is mixed when referred to: by number once met, or in place.</summary>
    private enum Kind
    {
        Object,
        Scalar,
        Struct,
        Delegate,
        Type,
    }

    private static long ScalarOf(object boxed) => boxed switch
    {
        bool b => b ? 1 : 0,
        double d => BitConverter.DoubleToInt64Bits(d),
        float f => BitConverter.DoubleToInt64Bits(f),
        ulong u => (long)u,
        nint n => n,
        nuint n => (long)n,
        _ => Convert.ToInt64(boxed, System.Globalization.CultureInfo.InvariantCulture),
    };

    private Shape WalkOf(Type type)
    {
        if (ReferenceEquals(type, _lastType)) return _lastShape!;
        if (_walks.TryGetValue(type, out var shape))
        {
            (_lastType, _lastShape) = (type, shape);
            return shape;
        }
        long name = 0;
        foreach (char c in type.FullName ?? type.Name) name = (name ^ c) * 1099511628211L;
        var kind = type.IsPrimitive || type.IsEnum ? Kind.Scalar
            : typeof(Delegate).IsAssignableFrom(type) ? Kind.Delegate
            : typeof(Type).IsAssignableFrom(type) ? Kind.Type
            : type.IsValueType ? Kind.Struct : Kind.Object;
        shape = new Shape(kind is Kind.Object or Kind.Struct ? Compile(type, _clockless) : static (_, _) => { }, name, kind);
        _walks[type] = shape;
        return shape;
    }

    /// <summary>
    /// How <paramref name="type"/> is mixed: a runtime collection or array by its items, a type
    /// marked <see cref="NotStateAttribute"/> not at all, anything else by its fields (a struct's
    /// fields in place), then what it shows of its marked fields (<see cref="IStateShown"/>).
    /// </summary>
    private static Action<object, StateKey> Compile(Type type, bool clockless)
    {
        if (IsNotState(type)) return static (_, _) => { };
        if (type.IsArray || type.Namespace is { } ns && ns.StartsWith("System.Collections", StringComparison.Ordinal) && typeof(IEnumerable).IsAssignableFrom(type))
            return ItemsWalk(type) ?? (static (o, k) => k.Items((IEnumerable)o));
        var o = Expression.Parameter(typeof(object), "o");
        var k = Expression.Parameter(typeof(StateKey), "k");
        var self = Expression.Variable(type, "self");
        var body = new List<Expression> { Expression.Assign(self, type.IsValueType ? Expression.Unbox(o, type) : Expression.Convert(o, type)) };
        AddFields(body, self, type, k, clockless, depth: 0);
        if (typeof(IStateShown).IsAssignableFrom(type))
            body.Add(Expression.Call(Expression.Convert(self, typeof(IStateShown)), typeof(IStateShown).GetMethod(nameof(IStateShown.Show))!, k));
        body.Add(Expression.Empty());
        return Expression.Lambda<Action<object, StateKey>>(Expression.Block([self], body), o, k).Compile();
    }

    /// <summary>Adds the mixing of every instance field of <paramref name="type"/> and its bases, as read from <paramref name="value"/>.</summary>
    private static void AddFields(List<Expression> body, Expression value, Type type, ParameterExpression k, bool clockless, int depth)
    {
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (f.IsDefined(typeof(NotStateAttribute), false) || IsNotState(f.FieldType)) continue;
                if (clockless && f.IsDefined(typeof(ClockAttribute), false)) continue;
                // The managed thread that made an iterator (which worker ran the search), and the
                // step an iterator last yielded, read by its caller at once and dead after that.
                if (f.Name is "<>l__initialThreadId" or "<>2__current") continue;
                var ft = f.FieldType;
                if (ft == typeof(IntPtr) || ft == typeof(UIntPtr) || ft.IsPointer) continue;
                var read = Expression.Field(value, f);
                if (ft.IsPrimitive || ft.IsEnum)
                    body.Add(Expression.Call(k, ValueMethod, ScalarExpression(read, ft)));
                else if (ft == typeof(string))
                    body.Add(Expression.Call(k, TextMethod, read));
                else if (ft.IsValueType && depth < 8)
                    AddFields(body, read, ft, k, clockless, depth + 1);
                else
                    body.Add(Expression.Call(k, RefMethod, Expression.Convert(read, typeof(object))));
            }
        }
    }

    private static Expression ScalarExpression(Expression read, Type type)
    {
        var t = type.IsEnum ? Enum.GetUnderlyingType(type) : type;
        var v = type.IsEnum ? Expression.Convert(read, t) : read;
        if (t == typeof(bool)) return Expression.Condition(v, Expression.Constant(1L), Expression.Constant(0L));
        if (t == typeof(double)) return Expression.Call(typeof(BitConverter).GetMethod(nameof(BitConverter.DoubleToInt64Bits))!, v);
        if (t == typeof(float)) return Expression.Call(typeof(BitConverter).GetMethod(nameof(BitConverter.DoubleToInt64Bits))!, Expression.Convert(v, typeof(double)));
        return Expression.Convert(v, typeof(long));
    }

    private static readonly MethodInfo ValueMethod = typeof(StateKey).GetMethod(nameof(Value))!;
    private static readonly MethodInfo TextMethod = typeof(StateKey).GetMethod(nameof(Text))!;
    private static readonly MethodInfo RefMethod = typeof(StateKey).GetMethod(nameof(Ref))!;

    private static bool IsNotState(Type type) => type.IsDefined(typeof(NotStateAttribute), false);

    /// <summary>
    /// The walk of the commonest collections without an item boxed or an interface call per item:
    /// a list or one-dimensional array of references, item by item; an array or list of numbers,
    /// as its bytes. Each mixes how many, then the items in order.
    /// Null for any other collection.
    /// </summary>
    private static Action<object, StateKey>? ItemsWalk(Type type)
    {
        var item = type.IsSZArray ? type.GetElementType()!
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
        if (item is null) return null;
        string? walk = !item.IsValueType ? (type.IsArray ? nameof(RefArray) : nameof(RefList))
            : item.IsPrimitive ? (type.IsArray ? nameof(ScalarArray) : nameof(ScalarList)) : null;
        if (walk is null) return null;
        return typeof(StateKey).GetMethod(walk, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(item).CreateDelegate<Action<object, StateKey>>();
    }

    private static void RefArray<T>(object o, StateKey k) where T : class
    {
        var items = (T[])o;
        k.Value(items.Length);
        foreach (var item in items) k.Ref(item);
    }

    private static void RefList<T>(object o, StateKey k) where T : class
    {
        var items = (List<T>)o;
        k.Value(items.Count);
        foreach (var item in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items)) k.Ref(item);
    }

    private static void ScalarArray<T>(object o, StateKey k) where T : unmanaged => k.Scalars<T>((T[])o);

    private static void ScalarList<T>(object o, StateKey k) where T : unmanaged => k.Scalars<T>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan((List<T>)o));

    /// <summary>How many numbers, then their bytes, eight at a time.</summary>
    private void Scalars<T>(ReadOnlySpan<T> items) where T : unmanaged
    {
        Value(items.Length);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(items);
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes);
        foreach (long w in words) Value(w);
        foreach (byte b in bytes[(words.Length * 8)..]) Value(b);
    }

    /// <summary>
    /// A collection's items in order and how many: what any code that walks it can see. A list's
    /// count comes first; another collection's items end with a tag no item begins with, then the count.
    /// </summary>
    private void Items(IEnumerable items)
    {
        if (items is IList list)
        {
            Value(list.Count);
            for (int i = 0; i < list.Count; i++) Ref(list[i]);
            return;
        }
        int n = 0;
        foreach (var item in items)
        {
            Ref(item);
            n++;
        }
        Value(-7);
        Value(n);
    }
}
