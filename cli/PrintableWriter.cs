using System.Text;

namespace Uvm.Cli;

/// <summary>
/// The terminal side of every uvmcheck output: text that came from a file (a scenario name, a
/// violation message, a path) is printed with its control characters escaped (<c>\u001b</c>), so
/// a crafted file cannot send escape sequences to the user's terminal. Newlines, carriage returns
/// and tabs pass.
/// </summary>
internal sealed class PrintableWriter(TextWriter inner) : TextWriter
{
    /// <summary>The writer the escaped text goes to.</summary>
    public TextWriter Inner { get; } = inner;

    /// <inheritdoc/>
    public override Encoding Encoding => Inner.Encoding;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        if (IsSafe(value)) Inner.Write(value);
        else Inner.Write($"\\u{(int)value:x4}");
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        if (value is null || value.All(IsSafe)) Inner.Write(value);
        else foreach (char c in value) Write(c);
    }

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        Write(value);
        Inner.WriteLine();
    }

    /// <inheritdoc/>
    public override void Flush() => Inner.Flush();

    /// <summary>The writer under any escaping wrapper.</summary>
    public static TextWriter Unwrap(TextWriter w) => w is PrintableWriter p ? p.Inner : w;

    /// <summary>Printable, or a newline, carriage return or tab: no C0/C1 control, no DEL.</summary>
    private static bool IsSafe(char c) => c is '\n' or '\r' or '\t' || !(c < ' ' || c is >= '\u007f' and <= '\u009f');
}
