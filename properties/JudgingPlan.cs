using System.Numerics;
using Uvm.Model.Core;

namespace Uvm.Properties;

/// <summary>
/// Which invariants of a catalogue a step brings to judgement, by the parts of the state it wrote
/// (<see cref="Invariant.Reads"/>, <see cref="StateDomain"/>). Worked out once per catalogue
/// (<see cref="Catalogue.Plan"/>), so that the stepping core neither builds it for every schedule
/// nor tests every invariant's parts after every step.
/// </summary>
public sealed class JudgingPlan
{
    /// <summary>Per invariant, the parts it reads, or <see cref="StateDomain.All"/> to judge it after every step.</summary>
    private readonly StateDomain[] _reads;

    /// <summary>The most invariants <see cref="Due"/> answers for: the bits of its answer.</summary>
    public const int MaxInvariants = 128;

    /// <summary>Per part (a bit of <see cref="StateDomain"/>), its readers as bits over the invariants' indices; null past <see cref="MaxInvariants"/>.</summary>
    private readonly UInt128[]? _readersOf;

    /// <summary>The invariants judged after every step, as bits over their indices.</summary>
    private readonly UInt128 _everyStep;

    /// <summary>The plan of <paramref name="invariants"/>; with <paramref name="everyStep"/>, each is judged after every step.</summary>
    internal JudgingPlan(IReadOnlyList<Invariant> invariants, bool everyStep)
    {
        _reads = new StateDomain[invariants.Count];
        for (int i = 0; i < _reads.Length; i++) _reads[i] = everyStep ? StateDomain.All : invariants[i].Reads;
        if (_reads.Length > MaxInvariants) return;
        _readersOf = new UInt128[32];
        for (int i = 0; i < _reads.Length; i++)
        {
            if (_reads[i] == StateDomain.All)
            {
                _everyStep |= UInt128.One << i;
                continue;
            }
            for (uint m = (uint)_reads[i]; m != 0; m &= m - 1) _readersOf[BitOperations.TrailingZeroCount(m)] |= UInt128.One << i;
        }
    }

    /// <summary>True when <see cref="Due"/> can answer: the catalogue has at most <see cref="MaxInvariants"/> invariants.</summary>
    public bool Fits => _readersOf is not null;

    /// <summary>
    /// The invariants due after a step that wrote <paramref name="written"/>, as bits over their
    /// indices (bit i: invariant i): those judged after every step and the readers of each part
    /// written. Only when <see cref="Fits"/>.
    /// </summary>
    public UInt128 Due(StateDomain written)
    {
        UInt128 due = _everyStep;
        var readersOf = _readersOf!;
        for (uint m = (uint)written; m != 0; m &= m - 1) due |= readersOf[BitOperations.TrailingZeroCount(m)];
        return due;
    }

    /// <summary>True when invariant <paramref name="i"/> is due after a step that wrote <paramref name="written"/>.</summary>
    public bool IsDue(int i, StateDomain written) => _reads[i] == StateDomain.All || (_reads[i] & written) != 0;
}
