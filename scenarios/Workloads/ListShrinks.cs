namespace Uvm.Scenarios;

/// <summary>Smaller lists, for the shrinkers of the workload and of its sections.</summary>
public static class ListShrinks
{
    /// <summary>The list without the item at <paramref name="index"/>.</summary>
    public static IReadOnlyList<T> Without<T>(IReadOnlyList<T> list, int index) => [.. list.Where((_, i) => i != index)];

    /// <summary>The list with the item at <paramref name="index"/> replaced by <paramref name="item"/>.</summary>
    public static IReadOnlyList<T> With<T>(IReadOnlyList<T> list, int index, T item) => [.. list.Select((x, i) => i == index ? item : x)];

    /// <summary>
    /// The list without one item, then the list with one item shortened by one of its parts (an
    /// item keeps at least one part): fewer processes, then fewer operations of one process.
    /// </summary>
    public static IEnumerable<IReadOnlyList<T>> Removals<T, TPart>(IReadOnlyList<T> items, Func<T, IReadOnlyList<TPart>> parts, Func<T, IReadOnlyList<TPart>, T> with)
    {
        for (int i = 0; i < items.Count; i++)
            yield return Without(items, i);
        for (int i = 0; i < items.Count; i++)
        {
            var ps = parts(items[i]);
            for (int j = 0; j < ps.Count && ps.Count > 1; j++)
                yield return With(items, i, with(items[i], Without(ps, j)));
        }
    }
}
