using Uvm.Model.Core;

namespace Uvm.Scenarios;

/// <summary>Answers a replayed step's choices from the list the file recorded for it; past its end, the first option.</summary>
internal sealed class ScriptedChoice : IChoice
{
    /// <summary>The recorded choices of the step running now.</summary>
    private IReadOnlyList<int>? _values;

    /// <summary>How many of them the step has taken.</summary>
    private int _next;

    /// <summary>Takes the choices of the next step.</summary>
    public void Load(IReadOnlyList<int>? values)
    {
        _values = values;
        _next = 0;
    }

    public bool Boolean() => Take(2) == 1;

    public int Integer(int maxExclusive) => Take(maxExclusive);

    private int Take(int bound) => _values is { } v && _next < v.Count ? Math.Clamp(v[_next++], 0, bound - 1) : 0;
}
