using Uvm.Model.Core;
using Uvm.Model.Vm;
using Uvm.Properties;

namespace Uvm.Tests.Properties;

/// <summary>The accounting detector recounts each counter from what it counts (properties/AccountingDetector.cs).</summary>
public sealed class AccountingDetectorTests
{
    [Fact]
    public void PagingCountWithNoPageInPageoutIsDrift()
    {
        var k = KernelFixture.WithLwps(1);
        Assert.Null(AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));

        k.Uvmexp.Paging = 1;

        Assert.Equal("uvmexp.paging is 1 but 0 pages are being paged out", AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));
    }

    [Fact]
    public void PageInPageoutIsCounted()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Vm.Pages[0];
        p.Flags |= PageFlags.Busy | PageFlags.Pageout;

        Assert.Equal("uvmexp.paging is 0 but 1 pages are being paged out", AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));
        k.Uvmexp.Paging = 1;
        Assert.Null(AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));
    }

    [Fact]
    public void SwapOnlyCountWithNoSwappedOutPageIsDrift()
    {
        var k = KernelFixture.WithLwps(1);
        k.Uvmexp.SwpgOnly = 2;

        Assert.Equal("uvmexp.swpgonly is 2 but 0 pages are only in swap", AccountingDetector.SwapOnlyCountMatchesSwappedOutPages.Check(k));
    }

    [Fact]
    public void EveryScenarioChecksTheDetectors()
    {
        foreach (var s in Uvm.Scenarios.ScenarioCatalogue.All)
        {
            var checkedHere = s.PropertiesFrom(Catalogue.BuiltIn).Invariants;
            Assert.All(AccountingDetector.All, d => Assert.Contains(d, checkedHere));
            Assert.All(AccountingDetector.All, d => Assert.Equal(Detector.Subsystem, d.Subsystem));
        }
    }
}
