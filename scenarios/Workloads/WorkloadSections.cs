using System.Text.Json.Serialization.Metadata;

namespace Uvm.Scenarios;

/// <summary>
/// Every kernel path's workload section, registered once. Their order is the boot order of their
/// threads (which a pinned schedule depends on), the order of their JSON members and of the
/// workload's summary.
/// </summary>
public static class WorkloadSections
{
    /// <summary>The sections, in boot order. A new kernel path registers its section here: one line.</summary>
    public static IReadOnlyList<IWorkloadSection> All { get; } =
    [
        new MapsSection(),
        new PagingSection(),
        new ExitSection(),
        new LoanSection(),
        new PoolSection(),
        new CowSection(),
        new VnodeSection(),
        new SwapIoSection(),
    ];

    /// <summary>The section whose record is <paramref name="type"/>, or null when none is registered.</summary>
    public static IWorkloadSection? Of(Type type)
    {
        for (int i = 0; i < All.Count; i++)
            if (All[i].Type == type) return All[i];
        return null;
    }

    /// <summary>
    /// A JSON contract modifier (for <see cref="Json.Options"/>) that gives <see cref="Workload"/> one
    /// optional member per section, named after it. An absent or null member is no section, and an
    /// absent section is not written, so files written before a section existed still load.
    /// </summary>
    public static void AddToJsonContract(JsonTypeInfo info)
    {
        if (info.Type != typeof(Workload)) return;
        foreach (var section in All)
        {
            var member = info.CreateJsonPropertyInfo(section.Type, section.Name);
            member.Get = w => ((Workload)w).Section(section.Type);
            member.Set = (w, value) => ((Workload)w).ReadSection(value);
            member.ShouldSerialize = (_, value) => value is not null;
            member.IsGetNullable = member.IsSetNullable = true;
            info.Properties.Add(member);
        }
    }

    /// <summary><paramref name="sections"/> in registration order; an unregistered or repeated record is a programming error.</summary>
    internal static IReadOnlyList<object> InOrder(IEnumerable<object> sections)
    {
        var ordered = sections.Select(s => (Index: IndexOf(s.GetType()), Section: s)).OrderBy(s => s.Index).ToArray();
        for (int i = 1; i < ordered.Length; i++)
            if (ordered[i].Index == ordered[i - 1].Index)
                throw new ArgumentException($"a workload holds two {All[ordered[i].Index].Name} sections");
        return [.. ordered.Select(s => s.Section)];
    }

    private static int IndexOf(Type type)
    {
        for (int i = 0; i < All.Count; i++)
            if (All[i].Type == type) return i;
        throw new ArgumentException($"{type.Name} is not a registered workload section (WorkloadSections.All)");
    }
}
