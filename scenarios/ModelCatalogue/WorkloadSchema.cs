using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>
/// The shape of a workload file as the serializer sees it: one line per record type, its JSON
/// fields and their types, polymorphic operations with their discriminators, enums with their
/// names. Two builds of the same source give the same lines; a renamed or retyped field changes them.
/// </summary>
public static class WorkloadSchema
{
    /// <summary>The schema of <see cref="Workload"/> under the checker's JSON settings, sorted.</summary>
    public static IReadOnlyList<string> Lines() => Lines(typeof(Workload), Json.Options);

    /// <summary>The schema of <paramref name="root"/> under <paramref name="options"/>, sorted.</summary>
    public static IReadOnlyList<string> Lines(Type root, JsonSerializerOptions options)
    {
        // A copy, so the shared options are not frozen here; the default resolver is the one they use.
        options = new JsonSerializerOptions(options) { TypeInfoResolver = options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver() };
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        var todo = new Queue<Type>([root]);
        while (todo.TryDequeue(out var t))
        {
            if (!seen.Add(t)) continue;
            var info = options.GetTypeInfo(t);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    var fields = info.Properties.Select(p => $"{p.Name}{(p.IsRequired ? "!" : "")}: {TypeName(p.PropertyType, todo)}");
                    var derived = info.PolymorphismOptions is { } poly
                        ? $" | {poly.TypeDiscriminatorPropertyName}=" + string.Join(",", poly.DerivedTypes.Select(d => $"{d.TypeDiscriminator}:{TypeName(d.DerivedType, todo)}"))
                        : "";
                    lines.Add($"{t.Name} {{ {string.Join(", ", fields)} }}{derived}");
                    break;
                case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary:
                    TypeName(info.ElementType!, todo);
                    break;
            }
        }
        return [.. lines];
    }

    private static string TypeName(Type t, Queue<Type> todo)
    {
        var inner = Nullable.GetUnderlyingType(t) ?? t;
        if (inner.IsEnum) return $"enum({string.Join("|", Enum.GetNames(inner))})";
        if (inner.IsPrimitive || inner == typeof(string) || inner == typeof(decimal)) return inner.Name;
        if (inner.IsGenericType && inner.GetGenericArguments() is [var element] && typeof(System.Collections.IEnumerable).IsAssignableFrom(inner))
            return $"[{TypeName(element, todo)}]";
        if (inner.IsArray) return $"[{TypeName(inner.GetElementType()!, todo)}]";
        todo.Enqueue(inner);
        return inner.Name;
    }
}
