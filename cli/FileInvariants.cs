using System.CommandLine;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary>
/// <c>--invariants</c> of replay, explain and shrink: the user-invariant assemblies to check, by
/// default those the counterexample file records, so a bug found by a user invariant replays.
/// </summary>
internal static class FileInvariants
{
    /// <summary>The option, as each command declares it.</summary>
    public static Option<string[]> Option() => new("--invariants")
    {
        Description = "load extra invariants from this assembly (repeatable); default: the assemblies the file records",
    };

    /// <summary>The catalogue to replay <paramref name="cx"/> with, or null for the built-in one.</summary>
    public static Catalogue? For(Counterexample cx, string[]? given)
    {
        IReadOnlyList<string> paths = given is { Length: > 0 } ? given : cx.InvariantAssemblies ?? [];
        if (paths.Count == 0) return null;
        foreach (var p in paths)
            if (!File.Exists(p))
                throw new InputException($"--invariants: '{p}' does not exist{(given is { Length: > 0 } ? "" : " (the file records it); pass --invariants PATH to the assembly here")}");
        return UserInvariantLoader.Load(paths);
    }
}
