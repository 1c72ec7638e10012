using System.Globalization;

namespace Uvm.Bench;

/// <summary>Text for the benchmark tables, the same on every machine whatever its culture.</summary>
internal static class InvariantText
{
    /// <summary>An interpolated string formatted with the invariant culture (a point for decimals).</summary>
    public static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
