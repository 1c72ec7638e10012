using System.Collections;
using System.Globalization;
using System.Reflection;
using Uvm.Model;

namespace Uvm.Scenarios.Explain;

/// <summary>The live objects behind a snapshot: each entity by its key, and the label each object goes by.</summary>
public sealed record LiveEntities(IReadOnlyDictionary<string, object> ByKey, IReadOnlyDictionary<object, string> Labels);

/// <summary>
/// Sets one fact of a live kernel back to an earlier rendered value (<c>lwp 1.InMemory = true</c>),
/// for <see cref="CauseFinder"/>'s counterfactual checks. It writes through the model's own setter
/// (internal ones included), else the property's compiler-made backing field, else, for a list
/// fact whose getter hands out the model's own mutable list, the list's contents. Values are read
/// back from their rendering: numbers, bools, enums, strings, and references to entities by their
/// label in the same live state. A write counts only when the fact, read back and rendered, then
/// has exactly the wanted value; otherwise (a derived fact, a dictionary, an entity that is gone)
/// the fact cannot be reverted and <see cref="TrySet"/> says so. Meant for a kernel that is
/// thrown away afterwards: nothing is undone.
/// </summary>
public sealed class FactReverter(StateDescriber describer)
{
    /// <summary>
    /// Sets fact <paramref name="fact"/> of the entity <paramref name="key"/> to the value rendered
    /// as <paramref name="value"/>; true when the kernel now shows exactly that.
    /// </summary>
    public bool TrySet(IKernelView kernel, string key, string fact, string value)
    {
        var live = describer.Locate(kernel);
        if (!live.ByKey.TryGetValue(key, out var entity)) return false;
        var type = key == $"{StateDescriber.KernelGroup}/{StateDescriber.KernelGroup}" ? typeof(IKernelView) : entity.GetType();
        var prop = type.GetProperty(fact, BindingFlags.Public | BindingFlags.Instance);
        if (prop is null || prop.GetIndexParameters().Length > 0) return false;
        try
        {
            if (!Write(entity, prop, value, live)) return false;
            return describer.Render(prop.GetValue(entity), live.Labels) == value;
        }
        // A setter or getter that rejects the value (a model guard, a poisoned object): not revertable.
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            return false;
        }
    }

    private static bool Write(object entity, PropertyInfo prop, string value, LiveEntities live)
    {
        if (prop.GetSetMethod(nonPublic: true) is { } setter)
            return Parse(value, prop.PropertyType, live, out var v) && Invoke(setter, entity, v);
        var field = entity.GetType().GetField($"<{prop.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance);
        if (field is not null)
        {
            if (!Parse(value, field.FieldType, live, out var v)) return false;
            field.SetValue(entity, v);
            return true;
        }
        if (prop.GetValue(entity) is not IList { IsReadOnly: false } list || Labels.Items(value) is not { } items) return false;
        var listType = list.GetType();
        var element = listType.IsArray ? listType.GetElementType()! : listType.IsGenericType ? listType.GetGenericArguments()[0] : typeof(object);
        var parsed = new List<object?>();
        foreach (var item in items)
        {
            if (!Parse(item, element, live, out var v)) return false;
            parsed.Add(v);
        }
        if (list.IsFixedSize)
        {
            // An array (an aobj's u_swslots): same length, element by element.
            if (parsed.Count != list.Count) return false;
            for (int i = 0; i < parsed.Count; i++) list[i] = parsed[i];
            return true;
        }
        list.Clear();
        foreach (var v in parsed) list.Add(v);
        return true;
    }

    private static bool Invoke(MethodInfo setter, object entity, object? value)
    {
        setter.Invoke(entity, [value]);
        return true;
    }

    /// <summary>The object <paramref name="text"/> renders, of type <paramref name="type"/>, in <paramref name="live"/>.</summary>
    private static bool Parse(string text, Type type, LiveEntities live, out object? value)
    {
        value = null;
        if (Nullable.GetUnderlyingType(type) is { } inner) return text == "none" || Parse(text, inner, live, out value);
        if (type == typeof(string)) { value = text; return true; }
        if (type == typeof(bool)) { value = text == "true"; return text is "true" or "false"; }
        if (type.IsEnum) return Enum.TryParse(type, text, out value);
        if (type.IsPrimitive || type == typeof(decimal))
        {
            try
            {
                value = Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
                return true;
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
            {
                return false;
            }
        }
        if (type.IsValueType) return false;
        if (text == "none") return true;
        foreach (var (obj, label) in live.Labels)
            if (label == text && type.IsInstanceOfType(obj)) { value = obj; return true; }
        return false;
    }
}
