using System.Text.Json;

namespace Uvm.Scenarios;

/// <summary>Hand-written workloads: load, validate, save.</summary>
public static class WorkloadFile
{
    /// <summary>The scenario name of a run over a workload file.</summary>
    public const string CustomScenario = "workload-file";

    /// <summary>Loads and validates a workload; every problem is an <see cref="InputException"/> naming the field.</summary>
    public static Workload Read(string path)
    {
        return Parse(Json.ReadFile(path, Json.MaxWorkloadBytes), path);
    }

    /// <summary>Parses and validates workload text.</summary>
    public static Workload Parse(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InputException($"{name}: the file is empty");
        var w = Json.Parse<Workload>(text, name);
        var errors = w.Validate();
        if (errors.Count > 0) throw new InputException($"{name}: {string.Join("; ", errors)}");
        return w;
    }

    /// <summary>Saves a workload as indented JSON.</summary>
    public static void Write(Workload workload, string path) =>
        Json.WriteAtomically(path, JsonSerializer.Serialize(workload, Json.Options));
}
