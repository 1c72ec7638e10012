using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Uvm.Model;
using Xunit;
using Xunit.Abstractions;

namespace Uvm.Tests.Model;

/// <summary>
/// The property form of the top-down findspace regression (model/Maps/MapFindspace.cs): over
/// generated map layouts and requests, uvm_map_findspace() returns a free, in-bounds, aligned
/// range on the right side of the hint, and says "no space" only when a brute-force oracle agrees.
/// With <see cref="Switches.TopdownFindspace"/> on, FsCheck finds a layout
/// where it returns space in use and shrinks it to a few pages.
/// </summary>
[Trait("Bug", "topdown-findspace")]
public sealed class MapFindspacePropertyTests(ITestOutputHelper output)
{
    /// <summary>
    /// Cases per run. Measured over 8000 generated cases (sizes 5 to 100), the pre-fix search
    /// breaks the contract on 15-17% of them and returns space in use on 9-15% (a top-down hint in
    /// a gap smaller than the request, or a candidate aligned down past the entry below), while
    /// the fixed search broke it on none. A defect that common survives 1000 cases with
    /// probability below 1e-40, and 1000 cases cover every combination of direction, fixed and
    /// alignment many times over. A run takes well under a second.
    /// </summary>
    private const int Cases = 1000;

    /// <summary>FsCheck's seed, so that the run, and the shrunk counterexample, are the same every time.</summary>
    private static Config Quick => Config.QuickThrowOnFailure.WithMaxTest(Cases)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20030301UL, 1013904243UL), FSharpOption<int>.None)));

    /// <summary>The property that <paramref name="violation"/> finds nothing; a failure is labelled with what it found.</summary>
    private static Property Holds(Func<FindspaceCase, string?> violation) =>
        Prop.ForAll(FindspaceCase.Arbitrary(), c => violation(c) is { } why ? false.Label(why) : true.ToProperty());

    private static Property FindspaceKeepsItsContract(bool preFix) => Holds(c => c.Violation(preFix));

    [Fact]
    public void FixedFindspaceKeepsItsContractOnGeneratedLayouts()
    {
        Check.One(Quick, FindspaceKeepsItsContract(preFix: false));
    }

    [Fact]
    public void PreFixTopdownFindspaceIsCaughtAndShrunkToASmallLayout()
    {
        var failure = Assert.ThrowsAny<Exception>(() => Check.One(Quick, FindspaceKeepsItsContract(preFix: true)));

        var shrunk = ShrunkCase(failure.Message);
        output.WriteLine(failure.Message);
        output.WriteLine($"shrunk counterexample: {shrunk}");
        Assert.Equal(ExpectedContractCase, shrunk);
    }

    [Fact]
    public void PreFixTopdownFindspaceReturnsSpaceInUseOnAShrunkLayout()
    {
        var failure = Assert.ThrowsAny<Exception>(() => Check.One(Quick, Holds(c => c.SpaceInUse(preFix: true))));

        var shrunk = ShrunkCase(failure.Message);
        output.WriteLine(failure.Message);
        output.WriteLine($"shrunk counterexample: {shrunk}");
        Assert.Equal(ExpectedInUseCase, shrunk);
    }

    [Fact]
    public void FixedFindspaceNeverReturnsSpaceInUse()
    {
        Check.One(Quick, Holds(c => c.SpaceInUse(preFix: false)));
    }

    /// <summary>
    /// The shrunk cases FsCheck reports with the seed above, pinned so that a change in the model,
    /// the generator or the shrinker shows. The first breaks "in bounds": the hint lies in the only
    /// gap, which is smaller than the request, and the unchecked candidate 5 - 5 = 0 starts below
    /// vm_map_min. The second breaks "free": the candidate min(2, 2 - 1) = 1 is aligned down to
    /// 0, into the entry below the gap at the hint, and nothing checks it against entry->end.
    /// </summary>
    private const string
        ExpectedContractCase = "map [1,5) entries none; topdown findspace(hint 1, len 5)",
        ExpectedInUseCase = "map [0,2) entries [0,1); topdown findspace(hint 2, len 1, align 2)";

    /// <summary>The case text after FsCheck's "Shrunk:" line.</summary>
    private static string ShrunkCase(string message)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n');
        int at = Array.FindIndex(lines, l => l.TrimStart().StartsWith("Shrunk", StringComparison.Ordinal));
        Assert.True(at >= 0 && at + 1 < lines.Length, $"FsCheck reported no shrunk case: {message}");
        return lines[at + 1].Trim();
    }
}
