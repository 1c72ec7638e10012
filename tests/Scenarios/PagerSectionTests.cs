using Uvm.Model;
using Uvm.Model.Vm;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Tests.Scenarios;

/// <summary>The vnodes and swapIo workload sections: validation, the kernel they build, and their shrinks.</summary>
public sealed class PagerSectionTests
{
    [Fact]
    public void VnodeValidationNamesTheBadFields()
    {
        var w = VnodePageoutScenario.Default();
        w = w.With(w.Section<VnodeWorkload>()! with { Files = [2, 0], Users = [[new(0, 2, true), new(3, 0, false)]] });

        var errors = w.Validate();

        Assert.Contains("vnodes.files[1]: must be 1..8 pages, is 0", errors);
        Assert.Contains(errors, e => e.StartsWith("vnodes.users[0][0].page:"));
        Assert.Contains(errors, e => e.StartsWith("vnodes.users[0][1].file:"));
    }

    [Fact]
    public void SwapIoValidationNamesTheBadFields()
    {
        var w = SwapErrorsScenario.Default();
        w = w.With(w.Section<SwapIoWorkload>()! with { ClusterPages = 0, Errors = [new(1, PageoutError.Eio), new(1, PageoutError.Enomem), new(0, PageoutError.None)] });

        var errors = w.Validate();

        Assert.Contains("swapIo.clusterPages: must be 1..8, is 0", errors);
        Assert.Contains("swapIo.errors[1].completion: completion 1 is listed twice", errors);
        Assert.Contains(errors, e => e.StartsWith("swapIo.errors[2].completion:"));
        Assert.Contains(errors, e => e.StartsWith("swapIo.errors[2].error:"));
    }

    [Fact]
    public void BothSectionsNeedAPagingSection()
    {
        var w = new Workload { Sections = [new VnodeWorkload { Files = [1] }, new SwapIoWorkload()] };

        var errors = w.Validate();

        Assert.Contains(errors, e => e.StartsWith("vnodes: needs a paging section"));
        Assert.Contains(errors, e => e.StartsWith("swapIo: needs a paging section"));
    }

    [Fact]
    public void TheSectionsBuildTheFilesTheirUsersTheClusterSizeAndTheErrors()
    {
        var vk = KernelBuilder.Build(VnodePageoutScenario.Default(), KernelConfig.Fixed);
        var sk = KernelBuilder.Build(SwapErrorsScenario.Default(), KernelConfig.Fixed);

        Assert.Equal([2, 2], vk.Vm.Vnodes.Select(v => v.Size));
        Assert.All(vk.Vm.Vnodes, v => Assert.True(v.IsVnode && v.NoSwap));
        Assert.Equal(2, vk.Threads.Count(t => t.Name.StartsWith("file")));
        Assert.Equal(2, sk.Vm.ClusterPages);
        Assert.Equal(PageoutError.Eio, sk.Vm.IoErrors[1]);
        Assert.Equal(PageoutError.Enomem, sk.Vm.IoErrors[2]);
    }

    [Fact]
    public void ShrinkingAFileDropsTheTouchesPastItsEnd()
    {
        IWorkloadSection section = new VnodeSection();
        var w = new Workload
        {
            FreePages = 2,
            Sections = [new PagingWorkload { SwapSlots = 0 }, new VnodeWorkload { Files = [2], Users = [[new(0, 1, true), new(0, 0, true)]] }],
        };

        var shrinks = section.Shrink(w).ToList();

        Assert.Contains(shrinks, s => s.Section<VnodeWorkload>()! is { Files: [1] } vn && vn.Users[0].SequenceEqual([new FileTouch(0, 0, true)]));
        Assert.All(shrinks, s => Assert.True(section.Size(s) < section.Size(w)));
    }
}
