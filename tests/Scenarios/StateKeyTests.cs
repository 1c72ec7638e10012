using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// <see cref="StateKey"/>'s walks of collections (lists and arrays of references and of numbers
/// have walks of their own): equal contents fingerprint alike whatever the instances and
/// capacities, and any one item changed, added or removed changes the fingerprint.
/// </summary>
public sealed class StateKeyTests
{
    /// <summary>A holder of one collection of each kind walked on its own.</summary>
    private sealed class Holder
    {
        public List<Tag> Tags = [new("a"), new("b")];
        public Tag?[] Slots = [new("c"), null];
        public int[] Counts = [1, 2, 3];
        public bool[] Flags = [true, false, true, true, false, false, true, false, true];
        public List<long> Stamps = [7, 8];
        public List<string> Names = ["x", "yz"];
        public string Text = "abcdefghi";
    }

    private sealed class Tag(string name)
    {
        public string Name = name;
    }

    /// <summary>Shows one object beside the kernel, as a search shows its own part.</summary>
    private sealed class Shown(object target) : IStateShown
    {
        public void Show(IStateMixer state) => state.Ref(target);
    }

    private readonly Kernel _kernel = KernelBuilder.Build(ScenarioCatalogue.Find("loan")!.DefaultWorkload(), KernelConfig.Fixed);

    /// <summary>The fingerprint of the kernel with <paramref name="shown"/> beside it.</summary>
    private StateFingerprint Of(object shown) => new StateKey().Of(_kernel, new Shown(shown));

    [Fact]
    public void EqualContentsInOtherInstancesAndCapacitiesFingerprintAlike()
    {
        var other = new Holder { Stamps = new List<long>(64) { 7, 8 }, Tags = new List<Tag>(32) { new("a"), new("b") } };
        Assert.Equal(Of(new Holder()), Of(other));
    }

    public static TheoryData<string> Changes => ["tag", "tag added", "slot", "slot filled", "count", "count removed", "last flag", "stamp", "stamp added", "name", "text tail"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void AnyItemChangedChangesTheFingerprint(string change)
    {
        var h = new Holder();
        switch (change)
        {
            case "tag": h.Tags[1].Name = "B"; break;
            case "tag added": h.Tags.Add(new("a")); break;
            case "slot": h.Slots[0]!.Name = "C"; break;
            case "slot filled": h.Slots[1] = new("c"); break;
            case "count": h.Counts[2] = 4; break;
            case "count removed": h.Counts = [1, 2]; break;
            case "last flag": h.Flags[8] = false; break;
            case "stamp": h.Stamps[0] = 9; break;
            case "stamp added": h.Stamps.Add(0); break;
            case "name": h.Names[1] = "yZ"; break;
            case "text tail": h.Text = "abcdefghj"; break;
        }
        Assert.NotEqual(Of(new Holder()), Of(h));
    }

    /// <summary>The same two instances in other places are another graph: objects count by where the walk first meets them.</summary>
    [Fact]
    public void SharingAnInstanceIsPartOfTheState()
    {
        var shared = new Holder();
        shared.Slots[1] = shared.Tags[0];
        var copied = new Holder();
        copied.Slots[1] = new Tag("a");
        Assert.NotEqual(Of(shared), Of(copied));
    }

    /// <summary>Values of different kinds in a slot typed object never mix alike: each begins with its kind's tag or an object's number.</summary>
    private sealed class Slots
    {
        public object? First;
        public object? Second;
        public int? Number;
    }

    [Fact]
    public void ValuesOfDifferentKindsNeverMixAlike()
    {
        var shared = new Tag("t");
        // A null and a boxed -2 (what a null mixed as before tags).
        Assert.NotEqual(Of(new Slots { Number = null }), Of(new Slots { Number = -2 }));
        // The same object twice, against the object and a boxed number equal to its number (the
        // holder is object 0, the kernel 1, the object 2).
        var twice = new Slots { First = shared, Second = shared };
        var number = new Slots { First = shared, Second = 2 };
        Assert.NotEqual(Of(twice), Of(number));
    }
}
