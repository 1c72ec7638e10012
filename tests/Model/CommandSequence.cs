using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Uvm.Tests.Model;

/// <summary>
/// Model-based testing with FsCheck, in the form of an Arbitrary of command sequences: FsCheck
/// generates a list of commands, the test runs them one by one against the model and a simple
/// oracle, checking the invariants after every command, and a failing list shrinks to a minimal
/// one (drop a command, or shrink one command, as long as the failure stays). The shrunk list is
/// reported as one line, commands separated by "; ".
/// </summary>
internal static class CommandSequence
{
    /// <summary>
    /// FsCheck's seed, pinned so that runs and shrunk counterexamples are the same every time, and
    /// the number of sequences each property runs.
    /// </summary>
    public static Config Config(int sequences) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(sequences)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20031101UL, 1013904243UL), FSharpOption<int>.None)));

    /// <summary>Lists of up to <c>size</c> commands, each shrunk by dropping commands or shrinking one.</summary>
    public static Arbitrary<Commands<T>> Of<T>(Gen<T> command, Func<T, IEnumerable<T>> shrinkOne) where T : notnull =>
        Arb.From(Gen.Sized(n => Gen.ListOf(command).Resize(Math.Max(1, n))).Select(l => new Commands<T>([.. l])), c => Shrink(c, shrinkOne));

    /// <summary>The property that running the commands finds no violation; a failure is labelled with it.</summary>
    public static Property Holds<T>(Arbitrary<Commands<T>> arb, Func<IReadOnlyList<T>, string?> run) where T : notnull =>
        Prop.ForAll(arb, c => run(c.Items) is { } why ? false.Label(why) : true.ToProperty());

    /// <summary>The shrunk command list FsCheck reports after "Shrunk:".</summary>
    public static string Shrunk(string message)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n');
        int at = Array.FindIndex(lines, l => l.TrimStart().StartsWith("Shrunk", StringComparison.Ordinal));
        if (at < 0 || at + 1 >= lines.Length) throw new InvalidOperationException($"FsCheck reported no shrunk case: {message}");
        return lines[at + 1].Trim();
    }

    private static IEnumerable<Commands<T>> Shrink<T>(Commands<T> c, Func<T, IEnumerable<T>> shrinkOne) where T : notnull
    {
        var items = c.Items;
        for (int i = 0; i < items.Count; i++)
            yield return new Commands<T>([.. items.Take(i), .. items.Skip(i + 1)]);
        for (int i = 0; i < items.Count; i++)
            foreach (var smaller in shrinkOne(items[i]))
                yield return new Commands<T>([.. items.Take(i), smaller, .. items.Skip(i + 1)]);
    }
}

/// <summary>A sequence of commands, printed as "cmd; cmd; cmd".</summary>
internal sealed record Commands<T>(IReadOnlyList<T> Items) where T : notnull
{
    /// <inheritdoc/>
    public override string ToString() => Items.Count == 0 ? "(none)" : string.Join("; ", Items);
}
