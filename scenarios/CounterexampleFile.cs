using System.Text.Json;
using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>Reads and writes counterexample files, refusing anything malformed with a one-line reason.</summary>
public static class CounterexampleFile
{
    /// <summary>Writes the counterexample atomically (never half-written).</summary>
    public static void Write(Counterexample cx, string path) =>
        Json.WriteAtomically(path, JsonSerializer.Serialize(cx, Json.Options));

    /// <summary>A file name that says what was found: scenario, bugs, violation, seed.</summary>
    public static string FileName(Counterexample cx) =>
        $"{cx.Scenario}-{(cx.Bugs.Count == 0 ? "fixed" : string.Join("+", cx.Bugs))}-{cx.Violation.Name}-seed{cx.Settings.Seed}.json";

    /// <summary>Loads and checks a counterexample file; every problem is an <see cref="InputException"/>.</summary>
    public static Counterexample Read(string path)
    {
        return Parse(Json.ReadFile(path), path);
    }

    /// <summary>Parses and checks counterexample text; <paramref name="name"/> names it in errors.</summary>
    public static Counterexample Parse(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InputException($"{name}: the file is empty");
        int version = PeekFormatVersion(text, name);
        if (version != Counterexample.CurrentFormat)
            throw new InputException($"{name}: format version {version} is not supported; this uvmcheck reads version {Counterexample.CurrentFormat}");
        var cx = Json.Parse<Counterexample>(text, name);
        Check(cx, name);
        return cx;
    }

    private static int PeekFormatVersion(string text, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InputException($"{name}: not a counterexample (the JSON is not an object)");
            if (!doc.RootElement.TryGetProperty("formatVersion", out var v)) throw new InputException($"{name}: not a counterexample (no formatVersion)");
            return v.TryGetInt32(out int n) ? n : throw new InputException($"{name}: formatVersion must be a whole number");
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? $" at line {l + 1}" : "";
            throw new InputException($"{name}: not JSON or truncated{line}");
        }
    }

    private static void Check(Counterexample cx, string name)
    {
        if (string.IsNullOrEmpty(cx.Trace) && cx.Steps.Count == 0) throw new InputException($"{name}: holds neither a Coyote trace nor a kernel-level schedule (steps)");
        for (int i = 0; i < cx.Steps.Count; i++)
            if (cx.Steps[i] is not { Thread.Length: > 0, Function.Length: > 0 }) throw new InputException($"{name}: steps[{i}]: thread and function are required");
        foreach (var bug in cx.Bugs)
            if (Switches.Find(bug) is null) throw new InputException($"{name}: bugs: {Switches.UnknownId(bug)}");
        if (ScenarioCatalogue.Find(cx.Scenario) is null && cx.Scenario != WorkloadFile.CustomScenario)
            throw new InputException($"{name}: scenario: unknown scenario '{cx.Scenario}'");
        var errors = cx.Workload.Validate();
        if (errors.Count > 0) throw new InputException($"{name}: workload.{errors[0]}");
        if (cx.Settings.Iterations < 1 || cx.Settings.MaxSteps < 1) throw new InputException($"{name}: settings: iterations and maxSteps must be positive");
    }
}
