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
    public static string ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
        return string.IsNullOrWhiteSpace(text) ? throw new InputException($"{path}: the file is empty") : text;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically: a temp file beside it, then a rename.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string FirstSentence(string message)
    {
        var m = message.ReplaceLineEndings(" ");
        int cut = m.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? m[..cut] : m.TrimEnd('.');
    }
}
