using System.Reflection;

namespace Uvm.Model;

/// <summary>
/// The registry of switches. Each is a <c>public static readonly KernelSwitch</c> field of this class,
/// declared beside the others of its subsystem (model/Switches/*.cs) and read at its kernel site
/// with <c>k.Config.Has(Switches.X)</c>; <see cref="All"/> collects the fields, so a declaration is
/// all the registry needs. <c>uvmcheck list bugs</c>, <c>uvmcheck mutate</c>, <c>--bug</c>, the
/// counterexample files and the manifest test all read <see cref="All"/>.
/// </summary>
public static partial class Switches
{
    /// <summary>Every switch: the historical bugs, then the discovered ones, then the mutations, each kind in id order.</summary>
    public static IReadOnlyList<KernelSwitch> All => Registry.All;

    /// <summary>The switch with this id (case-insensitive), or null.</summary>
    public static KernelSwitch? Find(string id)
    {
        foreach (var s in All)
            if (string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase)) return s;
        return null;
    }

    /// <summary>The configuration with the given switches on and every other one off.</summary>
    /// <exception cref="ArgumentException">An id names no switch; the message lists the known ones.</exception>
    public static KernelConfig Configure(IEnumerable<string> ids)
    {
        var config = KernelConfig.Fixed;
        foreach (var id in ids)
            config = config.With(Find(id) ?? throw new ArgumentException(UnknownId(id)));
        return config;
    }

    /// <summary>The one-line error for an id that names no switch.</summary>
    public static string UnknownId(string id) => $"unknown bug '{id}'; known bugs and mutations: {string.Join(", ", All.Select(s => s.Id))}";

    /// <summary>The ids of the switches on in <paramref name="config"/>, in registry order.</summary>
    public static IReadOnlyList<string> EnabledIn(KernelConfig config) => [.. All.Where(config.Has).Select(s => s.Id)];

    /// <summary>Collects the declared fields once, after every part of <see cref="Switches"/> has initialised them.</summary>
    private static class Registry
    {
        internal static readonly IReadOnlyList<KernelSwitch> All = Collect();

        private static KernelSwitch[] Collect()
        {
            var all = typeof(Switches).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(KernelSwitch))
                .Select(f => (KernelSwitch)f.GetValue(null)!)
                .OrderBy(s => s.Kind).ThenBy(s => s.Id, StringComparer.Ordinal)
                .ToArray();
            var twice = all.GroupBy(s => s.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null) throw new InvalidOperationException($"switch id '{twice.Key}' is declared twice");
            return all;
        }
    }
}
