using System.Collections;
using System.Reflection;
using Uvm.Model;

namespace Uvm.Scenarios.Explain;

/// <summary>
/// Turns an <see cref="IKernelView"/> into a <see cref="StateSnapshot"/> by reflection, so every
/// kernel subsystem that exposes its state on the view is described without code of its own. Each
/// public property of the view is a group: a list (or dictionary) of entities, a single entity
/// object, or a simple value. Each entity contributes its simple-valued public properties (numbers,
/// bools, strings, enums), references to other entities by their label, and lists of either as
/// <c>[a, b]</c>. An entity's label is its own <c>ToString()</c> (<c>lwp 3</c>, <c>cpu1</c>) when it
/// overrides it, else its <c>Name</c> (<c>sched_lock</c>), else the group's name (<c>uvmexp</c>) or
/// <c>group[i]</c> (a dictionary's key for i).
/// One describer caches the property lists it has looked up, per type; make one per replay.
/// </summary>
public sealed class StateDescriber
{
    /// <summary>The readable, non-indexed public instance properties of each type seen so far, in declaration order.</summary>
    private readonly Dictionary<Type, PropertyInfo[]> _properties = [];

    /// <summary>The group name of the one entity that stands for the view's simple-valued properties.</summary>
    public const string KernelGroup = "kernel";

    /// <summary>Describes every entity the kernel view exposes, in the order of the view's properties.</summary>
    public StateSnapshot Describe(IKernelView kernel) => Describe(kernel, typeof(IKernelView));

    /// <summary>
    /// Describes every entity that <paramref name="view"/> exposes through the public properties of
    /// <paramref name="surface"/> (an interface it implements, or its own type).
    /// </summary>
    public StateSnapshot Describe(object view, Type surface)
    {
        var labels = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        var kernelFacts = new List<(string Name, object? Value)>();
        var groups = Groups(view, surface, labels, kernelFacts);
        var entities = new List<EntityState>();
        if (kernelFacts.Count > 0)
            entities.Add(new EntityState(KernelGroup, KernelGroup, [.. kernelFacts.Select(f => new Fact(f.Name, Render(f.Value, labels)))]));
        foreach (var (group, members) in groups)
            foreach (var (label, entity) in members)
                entities.Add(new EntityState(group, label, FactsOf(entity, label, labels)));
        return new StateSnapshot(entities);
    }

    /// <summary>
    /// The live objects behind the entities <see cref="Describe(IKernelView)"/> would describe,
    /// by <see cref="EntityState.Key"/> (the <c>kernel</c> entity is the view itself), with the
    /// label each goes by: what <see cref="FactReverter"/> writes through.
    /// </summary>
    public LiveEntities Locate(IKernelView kernel)
    {
        var labels = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        var byKey = new Dictionary<string, object> { [$"{KernelGroup}/{KernelGroup}"] = kernel };
        foreach (var (group, members) in Groups(kernel, typeof(IKernelView), labels, []))
            foreach (var (label, entity) in members) byKey.TryAdd($"{group}/{label}", entity);
        return new LiveEntities(byKey, labels);
    }

    /// <summary>The groups of entities under the view's properties; simple values go to <paramref name="kernelFacts"/>.</summary>
    private List<(string Group, List<(string Label, object Entity)> Members)> Groups(
        object view, Type surface, Dictionary<object, string> labels, List<(string Name, object? Value)> kernelFacts)
    {
        var groups = new List<(string Group, List<(string Label, object Entity)> Members)>();
        foreach (var root in PropertiesOf(surface))
        {
            var value = Read(root, view);
            if (value is null || IsSimple(value.GetType())) { kernelFacts.Add((root.Name, value)); continue; }
            var members = Members(root.Name, value, out bool simpleList);
            if (simpleList) { kernelFacts.Add((root.Name, value)); continue; }
            foreach (var (label, entity) in members) labels.TryAdd(entity, label);
            groups.Add((root.Name, members));
            if (value is not IEnumerable) groups.AddRange(Children(root.Name, value, labels));
        }
        return groups;
    }

    /// <summary>The entities under one property of the view, each with its label.</summary>
    private List<(string Label, object Entity)> Members(string group, object value, out bool simpleList)
    {
        var members = new List<(string, object)>();
        simpleList = false;
        if (value is not IEnumerable items)
        {
            members.Add((NameOf(value) ?? group.ToLowerInvariant(), value));
            return members;
        }
        int i = 0;
        foreach (var item in items)
        {
            var (key, entity) = Unpair(item);
            if (entity is null || IsSimple(entity.GetType())) { simpleList = true; return []; }
            members.Add((NameOf(entity) ?? $"{group.ToLowerInvariant()}[{key ?? i.ToString()}]", entity));
            i++;
        }
        return members;
    }

    /// <summary>
    /// The entities one level inside a single-entity group (the pages, anons and aobjs of
    /// <c>Vm</c>): one group <c>Vm.Pages</c> per list of entities or entity-valued property. An
    /// object is described once, under the first group that holds it (a page of <c>Vm.Pages</c> is
    /// not described again under <c>Vm.ActiveQueue</c>); the parent keeps the lists as labels.
    /// </summary>
    private List<(string Group, List<(string Label, object Entity)> Members)> Children(
        string parent, object entity, Dictionary<object, string> labels)
    {
        var groups = new List<(string, List<(string, object)>)>();
        foreach (var p in PropertiesOf(entity.GetType()))
        {
            var value = Read(p, entity);
            if (value is null || value is string || IsSimple(value.GetType())) continue;
            var group = $"{parent}.{p.Name}";
            var members = Members(p.Name, value, out bool simpleList);
            if (simpleList) continue;
            if (value is not IEnumerable) members = [(NameOf(value) ?? p.Name.ToLowerInvariant(), value)];
            members = [.. members.Where(m => labels.TryAdd(m.Entity, m.Label))];
            if (members.Count > 0) groups.Add((group, members));
        }
        return groups;
    }

    /// <summary>A dictionary entry is its value, named by its key; anything else is itself.</summary>
    private static (string? Key, object? Entity) Unpair(object? item)
    {
        if (item is null) return (null, null);
        var type = item.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
            return (type.GetProperty("Key")!.GetValue(item)?.ToString(), type.GetProperty("Value")!.GetValue(item));
        return (null, item);
    }

    private Fact[] FactsOf(object entity, string label, Dictionary<object, string> labels)
    {
        var facts = new List<Fact>();
        foreach (var p in PropertiesOf(entity.GetType()))
        {
            var text = Render(Read(p, entity), labels);
            if (text != label) facts.Add(new Fact(p.Name, text));
        }
        return [.. facts];
    }

    private PropertyInfo[] PropertiesOf(Type type)
    {
        if (_properties.TryGetValue(type, out var cached)) return cached;
        var own = type.IsInterface
            ? type.GetProperties().Concat(type.GetInterfaces().SelectMany(i => i.GetProperties()))
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var list = own.Where(p => p.CanRead && p.GetMethod!.IsPublic && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.DeclaringType == type ? 0 : 1).ThenBy(p => p.MetadataToken).ToArray();
        _properties[type] = list;
        return list;
    }

    private static object? Read(PropertyInfo p, object target)
    {
        try
        {
            return p.GetValue(target);
        }
        catch (TargetInvocationException e)
        {
            return $"<{e.InnerException?.GetType().Name ?? "error"}>";
        }
    }

    /// <summary>A value as text: simple values as themselves, entities by label, lists as <c>[a, b]</c>.</summary>
    internal string Render(object? value, IReadOnlyDictionary<object, string> labels)
    {
        switch (value)
        {
            case null: return "none";
            case string s: return s;
            case bool b: return b ? "true" : "false";
            case IFormattable f when IsSimple(value.GetType()): return f.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
            case IEnumerable items: return "[" + string.Join(", ", items.Cast<object?>().Select(x => RenderOne(Unpair(x).Entity, labels))) + "]";
            default: return RenderOne(value, labels);
        }
    }

    private string RenderOne(object? value, IReadOnlyDictionary<object, string> labels) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        IFormattable f when IsSimple(value.GetType()) => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => labels.TryGetValue(value, out var label) ? label : NameOf(value) ?? Unnamed(value),
    };

    /// <summary>An object with no name of its own: a record's generated text, else its type's short name (<c>PhTree</c>).</summary>
    private static string Unnamed(object value)
    {
        var text = value.ToString();
        return text is null || text == value.GetType().FullName ? value.GetType().Name : text;
    }

    /// <summary>Numbers, bools, chars, strings and enums: values that are facts by themselves.</summary>
    private static bool IsSimple(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || Nullable.GetUnderlyingType(t) is { } u && IsSimple(u);

    /// <summary>The name an entity goes by: its own <c>ToString()</c>, else a public string <c>Name</c> (a lock's), else null.</summary>
    private string? NameOf(object o)
    {
        if (OwnToString(o) is { } own) return StableName(o, own);
        var name = PropertiesOf(o.GetType()).FirstOrDefault(p => p.Name == "Name" && p.PropertyType == typeof(string));
        return name is not null && Read(name, o) is string { Length: > 0 } text ? text : null;
    }

    /// <summary>
    /// A name that stays while the entity lives: <c>page 3</c> for a page whose <c>ToString()</c>
    /// reads <c>page 3 of anon 2</c> today and <c>page 3 of shm 1[0]</c> after a reuse (the owner is
    /// one of its facts). That is, an entity with a public int <c>Number</c> whose name starts with
    /// its type's name and that number goes by that prefix; any other keeps its whole name.
    /// </summary>
    private string StableName(object o, string own)
    {
        var number = PropertiesOf(o.GetType()).FirstOrDefault(p => p.Name == "Number" && p.PropertyType == typeof(int));
        if (number is null || Read(number, o) is not int n) return own;
        var prefix = $"{o.GetType().Name.ToLowerInvariant()} {n.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return own.StartsWith(prefix + " ", StringComparison.Ordinal) ? prefix : own;
    }

    /// <summary>
    /// The object's own <c>ToString()</c> if its type overrides it by hand, else null (a record's
    /// generated one prints every member, which is not a name).
    /// </summary>
    private static string? OwnToString(object o)
    {
        var m = o.GetType().GetMethod(nameof(ToString), Type.EmptyTypes);
        bool own = m is not null && m.DeclaringType != typeof(object) && m.DeclaringType != typeof(ValueType)
            && !m.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false);
        return own ? o.ToString() : null;
    }
}
