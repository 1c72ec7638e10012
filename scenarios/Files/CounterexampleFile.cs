using System.Text.Json;
using Uvm.Model;
using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Scenarios;

/// <summary>Reads and writes counterexample files, refusing anything malformed with a one-line reason.</summary>
public static class CounterexampleFile
{
    /// <summary>
    /// Writes the counterexample atomically (never half-written). A counterexample of this build's
    /// model records the model's description, so a later replay on a changed model can say what changed.
    /// </summary>
    public static void Write(Counterexample cx, string path) =>
        Json.WriteAtomically(path, JsonSerializer.Serialize(WithModel(cx), Json.Options));

    /// <summary>The counterexample with this build's model description, if it was found in this build's model.</summary>
    public static Counterexample WithModel(Counterexample cx) =>
        cx.Model is null && cx.ModelFingerprint == ModelFingerprint.Current ? cx with { Model = ModelDescription.Current } : cx;

    /// <summary>
    /// A file name that says what was found: scenario, bugs, violation, strategy, seed, and a short
    /// hash of the workload, so runs with another strategy or workload never overwrite each other's files.
    /// </summary>
    public static string FileName(Counterexample cx)
    {
        var workload = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(cx.Workload, Json.Options)));
        return $"{cx.Scenario}-{(cx.Bugs.Count == 0 ? "fixed" : string.Join("+", cx.Bugs))}-{cx.Violation.Name}-{ExploreSettings.Name(cx.Settings.Strategy)}"
            + $"-seed{cx.Settings.Seed}-w{Convert.ToHexStringLower(workload)[..8]}.json";
    }

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
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = Json.MaxDepth });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InputException($"{name}: not a counterexample (the JSON is not an object)");
            if (!doc.RootElement.TryGetProperty("formatVersion", out var v)) throw new InputException($"{name}: not a counterexample (no formatVersion)");
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n
                : throw new InputException($"{name}: formatVersion must be a whole number, is {v.ValueKind.ToString().ToLowerInvariant()}");
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? $" at line {l + 1}" : "";
            throw new InputException(Json.TooDeep(e) ? $"{name}: nested more than {Json.MaxDepth} levels deep{line}" : $"{name}: not JSON or truncated{line}");
        }
    }

    /// <summary>The largest strategy bound a file may ask for (uvmcheck writes 3): PCT draws that many change points per schedule.</summary>
    private const int MaxStrategyBound = 1000;

    private static void Check(Counterexample cx, string name)
    {
        // A kernel that failed at boot has no step to record: its workload and kernel are the file.
        if (string.IsNullOrEmpty(cx.Trace) && cx.Steps.Count == 0 && cx.Violation.Id != BootFailureException.ViolationId)
            throw new InputException($"{name}: holds neither a Coyote trace nor a kernel-level schedule (steps)");
        for (int i = 0; i < cx.Steps.Count; i++)
            if (cx.Steps[i] is not { Thread.Length: > 0, Function.Length: > 0 }) throw new InputException($"{name}: steps[{i}]: thread and function are required");
        foreach (var bug in cx.Bugs)
            if (Switches.Find(bug) is null) throw new InputException($"{name}: bugs: {Switches.UnknownId(bug)}");
        if (ScenarioCatalogue.Find(cx.Scenario) is null && cx.Scenario != WorkloadFile.CustomScenario)
            throw new InputException($"{name}: scenario: unknown scenario '{cx.Scenario}'");
        var errors = cx.Workload.Validate();
        if (errors.Count > 0) throw new InputException($"{name}: workload.{errors[0]}");
        if (cx.Settings.Iterations < 1 || cx.Settings.MaxSteps < 1) throw new InputException($"{name}: settings: iterations and maxSteps must be positive");
        // An enum field read from a number may hold any value: the engines would fail on it later.
        if (!Enum.IsDefined(cx.Settings.Strategy)) throw new InputException($"{name}: settings.strategy: unknown strategy {(int)cx.Settings.Strategy}");
        if (!Enum.IsDefined(cx.Settings.Engine)) throw new InputException($"{name}: settings.engine: unknown engine {(int)cx.Settings.Engine}");
        if (cx.Settings.StrategyBound is < 0 or > MaxStrategyBound)
            throw new InputException($"{name}: settings.strategyBound must be 0..{MaxStrategyBound}, is {cx.Settings.StrategyBound}");
    }
}
