using System.CommandLine;
using Uvm.Scenarios;
using Uvm.Scenarios.Explain;

namespace Uvm.Cli;

/// <summary>
/// <c>uvmcheck explain FILE</c>: replay a counterexample and tell it as a kernel-level story (one
/// line per step), a Mermaid sequence diagram (<c>--format mermaid</c>), or a self-contained HTML
/// page (<c>--html OUT</c>; "wrote OUT" goes to stderr so stdout stays pipeable). Exits 0 once it
/// has explained, 2 on a bad file.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "a counterexample file written by 'uvmcheck run'" };
        var format = new Option<string>("--format", "-f") { Description = "text (the story) or mermaid (a sequence diagram)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "mermaid");
        var html = new Option<string?>("--html") { Description = "also write a self-contained HTML page (diagram, steps, state after each step) here" };
        var all = new Option<bool>("--all") { Description = "show every step: fold nothing" };
        var width = new Option<int>("--width") { Description = "wrap the story at this many columns (default: the terminal's, or 160)" };
        var cmd = new Command("explain", "Tell a counterexample as a kernel-level story, a sequence diagram, or an HTML page; exit 0 once explained, 2 if the file is bad.")
        {
            file, format, html, all, width,
        };
        var invariants = FileInvariants.Option();
        cmd.Add(invariants);
        cmd.SetAction(r => Execute(r.GetValue(file)!, r.GetValue(format)!, r.GetValue(html), !r.GetValue(all), stdout, stderr, r.GetValue(width), r.GetValue(invariants)));
        return cmd;
    }

    internal static int Execute(string path, string format, string? html, bool fold, TextWriter o, TextWriter err, int width = 0, string[]? invariants = null)
    {
        if (width is < 0 or (> 0 and < 40)) throw new InputException($"--width: must be at least 40, is {width}");
        var cx = CounterexampleFile.Read(path);
        Outputs.Check((html, "--html"));
        var e = Explanation.Of(cx, FileInvariants.For(cx, invariants));
        if (e.Disagreement is { } d) err.WriteLine($"uvmcheck: {d}");
        if (format == "mermaid") o.Write(MermaidWriter.Write(e, fold));
        else StoryWriter.Write(e, o, fold, width > 0 ? width : Width(o));
        if (html is not null)
        {
            try
            {
                Json.WriteAtomically(html, HtmlWriter.Write(e));
            }
            catch (Exception x) when (x is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new InputException($"--html: cannot write '{html}': {x.Message}");
            }
            err.WriteLine($"wrote {html}");
        }
        return Cli.Clean;
    }

    /// <summary>The terminal's width when writing to it, else the story's default.</summary>
    private static int Width(TextWriter o)
    {
        if (o != Console.Out || Console.IsOutputRedirected) return StoryWriter.DefaultWidth;
        try
        {
            return Console.WindowWidth > 40 ? Console.WindowWidth : StoryWriter.DefaultWidth;
        }
        catch (IOException)
        {
            return StoryWriter.DefaultWidth;
        }
    }
}
