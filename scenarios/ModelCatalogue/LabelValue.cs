using System.Collections.Immutable;
using System.Reflection;

namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>One piece of a step label as the model's IL builds it.</summary>
internal abstract record Segment
{
    /// <summary>How the piece reads in a template: the text itself, or <c>{name}</c> for a hole.</summary>
    public abstract string Text { get; }
}

/// <summary>Literal text (an <c>ldstr</c> operand).</summary>
internal sealed record Literal(string Value) : Segment
{
    /// <inheritdoc/>
    public override string Text => Value;
}

/// <summary>The value of parameter <paramref name="Name"/> of <paramref name="Method"/>: filled in from its call sites.</summary>
internal sealed record ParameterHole(MethodBase Method, int Position, string Name) : Segment
{
    /// <inheritdoc/>
    public override string Text => "{" + Name + "}";
}

/// <summary>What <paramref name="Method"/> returns: filled in from its return statements.</summary>
internal sealed record ReturnHole(MethodBase Method) : Segment
{
    /// <inheritdoc/>
    public override string Text => "{" + (Method.Name.StartsWith("get_", StringComparison.Ordinal) ? Method.Name[4..] : Method.Name + "()") + "}";
}

/// <summary>A value the scanner does not follow (a field, a formatted number).</summary>
internal sealed record OpaqueHole(string Name) : Segment
{
    /// <inheritdoc/>
    public override string Text => "{" + Name + "}";
}

/// <summary>
/// An abstract value on the IL evaluation stack: the strings it may hold (each a list of
/// segments), or <c>this</c>, or the address of a local (an interpolated-string handler).
/// </summary>
internal sealed record LabelValue(ImmutableArray<ImmutableArray<Segment>> Alternatives, bool IsThis = false, int? LocalAddress = null)
{
    /// <summary>At most this many alternatives are kept; more means the label is built in a loop.</summary>
    public const int MaxAlternatives = 64;

    /// <summary>A value the scanner knows nothing about.</summary>
    public static LabelValue Opaque(string name) => Of(new OpaqueHole(name));

    /// <summary>A value that is exactly one segment.</summary>
    public static LabelValue Of(Segment s) => new([[s]]);

    /// <summary>The empty string.</summary>
    public static LabelValue Empty { get; } = new([[]]);

    /// <summary>Either value (at a join of two branches).</summary>
    public LabelValue Or(LabelValue other)
    {
        if (IsThis || LocalAddress is not null) return this;
        var all = Alternatives.AddRange(other.Alternatives.Where(a => !Alternatives.Any(b => b.SequenceEqual(a))));
        return new(all.Length > MaxAlternatives ? [.. all.Take(MaxAlternatives)] : all);
    }

    /// <summary>This value followed by <paramref name="next"/> (string.Concat, an interpolation).</summary>
    public LabelValue Then(LabelValue next)
    {
        var all = ImmutableArray.CreateBuilder<ImmutableArray<Segment>>();
        foreach (var a in Alternatives)
            foreach (var b in next.Alternatives)
                if (all.Count < MaxAlternatives) all.Add(Join(a, b));
        return new(all.ToImmutable());
    }

    /// <summary>Concatenates two segment lists, merging adjacent literals.</summary>
    public static ImmutableArray<Segment> Join(ImmutableArray<Segment> a, ImmutableArray<Segment> b)
    {
        if (a.Length > 0 && b.Length > 0 && a[^1] is Literal x && b[0] is Literal y)
            return [.. a.RemoveAt(a.Length - 1), new Literal(x.Value + y.Value), .. b.RemoveAt(0)];
        return a.AddRange(b);
    }
}
