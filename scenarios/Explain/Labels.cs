using System.Text;

namespace Uvm.Scenarios.Explain;

/// <summary>Reading labels back out of rendered values and messages.</summary>
public static class Labels
{
    /// <summary>True when <paramref name="text"/> names <paramref name="label"/> as a whole word (<c>lwp 1</c> is not in <c>lwp 12</c>).</summary>
    public static bool Mentions(string? text, string label)
    {
        if (text is null || label.Length == 0) return false;
        for (int at = text.IndexOf(label, StringComparison.Ordinal); at >= 0; at = text.IndexOf(label, at + 1, StringComparison.Ordinal))
        {
            bool startOk = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            int end = at + label.Length;
            bool endOk = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (startOk && endOk) return true;
        }
        return false;
    }

    /// <summary>For two list renderings <c>[a, b]</c>, what left and what entered (<c>−a +c</c>); null if not both lists or only the order changed.</summary>
    public static string? ListDelta(string? before, string? after)
    {
        if (Items(before) is not { } was || Items(after) is not { } now) return null;
        var gone = Minus(was, now);
        var came = Minus(now, was);
        if (gone.Count == 0 && came.Count == 0) return null;
        var sb = new StringBuilder();
        foreach (var g in gone) sb.Append(sb.Length > 0 ? " " : "").Append('−').Append(g);
        foreach (var c in came) sb.Append(sb.Length > 0 ? " " : "").Append('+').Append(c);
        return sb.ToString();
    }

    /// <summary>The items that left or entered a list (both renderings <c>[a, b]</c>); null if either is not a list.</summary>
    public static IReadOnlyList<string>? ListMoves(string? before, string? after) =>
        Items(before) is { } was && Items(after) is { } now ? [.. Minus(was, now), .. Minus(now, was)] : null;

    /// <summary>Multiset difference: each item of <paramref name="b"/> cancels one equal item of <paramref name="a"/>.</summary>
    private static List<string> Minus(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var rest = a.ToList();
        foreach (var x in b) rest.Remove(x);
        return rest;
    }

    /// <summary>The items of a list rendering <c>[a, b]</c>, or null if it is not one.</summary>
    public static IReadOnlyList<string>? Items(string? text)
    {
        if (text is null || text.Length < 2 || text[0] != '[' || text[^1] != ']') return null;
        var inner = text[1..^1];
        return inner.Length == 0 ? [] : inner.Split(", ");
    }
}
