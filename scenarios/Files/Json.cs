using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Uvm.Scenarios;

/// <summary>The JSON settings of every file the checker reads or writes.</summary>
public static class Json
{
    /// <summary>camelCase, indented, enums as strings, unknown members rejected, so typos are found.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { WorkloadSections.AddToJsonContract } },
    };

    /// <summary>JSON nesting deeper than this is refused (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    /// <summary>The largest file read (counterexamples, reports); a workload file is far smaller (<see cref="MaxWorkloadBytes"/>).</summary>
    public const int MaxFileBytes = 32 << 20;

    /// <summary>The largest workload file read: a valid workload is a few kilobytes.</summary>
    public const int MaxWorkloadBytes = 1 << 20;

    /// <summary>True when the parser stopped because the JSON nests too deeply (not because it is truncated).</summary>
    public static bool TooDeep(JsonException e) => e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads <typeparamref name="T"/> from text; any malformed input becomes an
    /// <see cref="InputException"/> that names <paramref name="what"/> and the JSON path.
    /// </summary>
    public static T Parse<T>(string text, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options) ?? throw new InputException($"{what}: the file holds null");
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } p ? $" at {p}" : "";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            if (TooDeep(e)) throw new InputException($"{what}: nested more than {MaxDepth} levels deep{line}");
            throw new InputException($"{what}: not valid{where}{line}: {FirstSentence(e.Message)}");
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InputException($"{what}: not valid: {FirstSentence(e.Message)}");
        }
    }

    /// <summary>
    /// The text of a file the user named; a missing, unreadable or empty file is an
    /// <see cref="InputException"/> that names it.
    /// </summary>
    public static string ReadFile(string path, int maxBytes = MaxFileBytes)
    {
        string text;
        try
        {
            if (Directory.Exists(path)) throw new InputException($"{path}: is a directory, not a file");
            text = ReadBounded(path, maxBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
        return string.IsNullOrWhiteSpace(text) ? throw new InputException($"{path}: the file is empty") : text;
    }

    /// <summary>
    /// The file's text, refusing more than <paramref name="maxBytes"/>: /dev/zero or a huge file
    /// would otherwise be read whole and parsed into gigabytes.
    /// </summary>
    private static string ReadBounded(string path, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes)
                throw new InputException($"{path}: larger than {maxBytes >> 20} MB, not a file uvmcheck reads (a workload is at most {MaxWorkloadBytes >> 20} MB)");
        }
        return new System.Text.UTF8Encoding(false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> so no reader sees half of it: a temp
    /// file and a rename over a regular file, written through a device or FIFO (<see cref="OutputFile"/>).
    /// </summary>
    public static void WriteAtomically(string path, string text) => OutputFile.Write(path, text);

    private static string FirstSentence(string message)
    {
        var m = message.ReplaceLineEndings(" ");
        int cut = m.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? m[..cut] : m.TrimEnd('.');
    }
}
