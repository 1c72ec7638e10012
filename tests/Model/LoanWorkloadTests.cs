using Uvm.Model;
using Uvm.Model.Vm;
using Uvm.Scenarios;

namespace Uvm.Tests.Model;

/// <summary>The loan section of a workload: JSON, validation, and the threads it builds.</summary>
public sealed class LoanWorkloadTests
{
    [Theory]
    [InlineData("loan")]
    [InlineData("loan-zero")]
    public void LoanWorkloadsRoundTripThroughJson(string scenario)
    {
        var w = ScenarioCatalogue.Find(scenario)!.DefaultWorkload();
        var path = Path.Combine(Path.GetTempPath(), $"loan-{Guid.NewGuid():N}.json");
        try
        {
            WorkloadFile.Write(w, path);
            var back = WorkloadFile.Read(path);
            Assert.Equal(w.ToString(), back.ToString());
            Assert.Empty(back.Validate());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ValidationNamesTheBadField()
    {
        var w = LoanScenario.Default().With(
            new LoanWorkload { Clients = [new(2, [new LoanTouch(0, true), new LoanSend(1, 2)]) { ShmKey = 1 }] });

        var errors = w.Validate();

        Assert.Contains(errors, e => e.StartsWith("loans.clients[0].shmPages:"));
        Assert.Contains(errors, e => e.StartsWith("loans.clients[0].ops[1]:"));
    }

    [Fact]
    public void LoansNeedAPagingSection()
    {
        var w = LoanScenario.Default().Without<PagingWorkload>();

        Assert.Contains("loans: needs a paging section (the pagedaemon and swap)", w.Validate());
    }

    [Fact]
    public void BuilderStartsOneLoanClientPerClient()
    {
        var k = KernelBuilder.Build(LoanZeroScenario.Default(), KernelConfig.Fixed);

        Assert.Null(k.Threads.Single(t => t.Name == "loan1").SleepingOn);
        Assert.Null(k.Threads.Single(t => t.Name == "loan2").SleepingOn);
        Assert.Equal(3, k.Uvmexp.Free);
    }
}
