namespace Uvm.Model.Core;

/// <summary>
/// What the running step read and wrote, per object and field group ("lwp 3" l_stat, the run
/// queue, the store log), for the partial-order reduction of <c>uvmcheck verify</c>
/// (docs/verify.md, "Recorded footprints"). The model's accessors of the recorded state call
/// <see cref="Read"/> and <see cref="Write"/> through <see cref="Kernel.Accesses"/>, which is null
/// outside verify: there recording costs one null test per access. Only accesses made inside a
/// step count (boot, invariants and explain read the kernel between steps).
/// </summary>
[NotState("verify's record of the running step, cleared as each step starts")]
public sealed class AccessRecorder
{
    /// <summary>Each object and field group touched by the step, with true once it was written.</summary>
    private readonly Dictionary<Access, bool> _touched = [];

    /// <summary>The step reads <paramref name="field"/> of object <paramref name="id"/> of <paramref name="kind"/>.</summary>
    public void Read(string kind, int id, string field) => _touched.TryAdd(new Access(kind, id, field), false);

    /// <summary>The step writes <paramref name="field"/> of object <paramref name="id"/> of <paramref name="kind"/>.</summary>
    public void Write(string kind, int id, string field) => _touched[new Access(kind, id, field)] = true;

    /// <summary>Forgets what the last step touched (called as a step starts).</summary>
    public void Clear() => _touched.Clear();

    /// <summary>What the step touched so far, as an immutable set.</summary>
    public AccessSet Take() => _touched.Count == 0 ? AccessSet.Empty : new AccessSet(new Dictionary<Access, bool>(_touched));
}

/// <summary>
/// One object and field group, named so that the name is the same in every run of verify's
/// stateless search: the kind of object, its number (an LWP's lid, a CPU's number, 0 for a
/// kernel-wide object), which a re-run along the same decisions gives the same object and never
/// gives another object later, and the field group.
/// </summary>
public readonly record struct Access(string Kind, int Id, string Field)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Id} {Field}";
}

/// <summary>
/// The recorded reads and writes of one step, or the union over several runs of a step. Two sets
/// conflict when one writes an object and field group the other reads or writes.
/// </summary>
public sealed class AccessSet
{
    private readonly Dictionary<Access, bool> _touched;

    internal AccessSet(Dictionary<Access, bool> touched) => _touched = touched;

    /// <summary>Touches nothing.</summary>
    public static AccessSet Empty { get; } = new([]);

    /// <summary>How many object and field groups the set touches.</summary>
    public int Count => _touched.Count;

    /// <summary>Each object and field group touched, with true when written.</summary>
    public IEnumerable<KeyValuePair<Access, bool>> Entries => _touched;

    /// <summary>True when one of the two writes what the other reads or writes.</summary>
    public bool ConflictsWith(AccessSet other)
    {
        var (small, large) = _touched.Count <= other._touched.Count ? (_touched, other._touched) : (other._touched, _touched);
        foreach (var (access, written) in small)
            if (large.TryGetValue(access, out bool otherWritten) && (written || otherWritten)) return true;
        return false;
    }

    /// <summary>Each access as "object field read|write", sorted: comparable across two kernels.</summary>
    public IReadOnlyList<string> Describe() =>
        [.. _touched.Select(e => $"{e.Key} {(e.Value ? "write" : "read")}").Order(StringComparer.Ordinal)];

    /// <summary>Both sets: an access is written if either writes it.</summary>
    public AccessSet Union(AccessSet other)
    {
        if (other._touched.Count == 0) return this;
        if (_touched.Count == 0) return other;
        var all = new Dictionary<Access, bool>(_touched);
        foreach (var (access, written) in other._touched)
            all[access] = written || all.GetValueOrDefault(access);
        return new AccessSet(all);
    }
}
