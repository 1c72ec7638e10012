using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>How a campaign hands out cores to its engines, and pinning on the machine at hand.</summary>
public sealed class CoreAffinityTests
{
    [Fact]
    public void EachEngineGetsACoreOfItsOwnWhileThereAreEnough()
    {
        var pool = new CoreAffinity.Pool([4, 6]);

        var first = pool.Take();
        var second = pool.Take();
        var third = pool.Take();

        Assert.Equal([4, 6], new[] { first!.Value, second!.Value }.Order());
        Assert.Contains(third!.Value, new[] { 4, 6 });
    }

    [Fact]
    public void AReturnedCoreIsTheNextOneTaken()
    {
        var pool = new CoreAffinity.Pool([0, 1]);
        var a = pool.Take();
        var b = pool.Take();

        pool.Return(b);

        Assert.Equal(b, pool.Take());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void WithNoCoresToPinToEnginesRunFree()
    {
        var pool = new CoreAffinity.Pool([]);

        Assert.Null(pool.Take());
        pool.Return(null);
    }

    [LinuxFact]
    public void OnLinuxAPinnedThreadReportsOnlyItsCore()
    {
        var cores = CoreAffinity.AllowedCores();
        Assert.NotEmpty(cores);
        bool pinned = false;
        IReadOnlyList<int>? seen = null;
        var t = new Thread(() =>
        {
            pinned = CoreAffinity.PinCurrentThread(cores[^1]);
            seen = CoreAffinity.AllowedCoresOfThisThread();
        });
        t.Start();
        t.Join();

        Assert.True(pinned);
        Assert.Equal([cores[^1]], seen);
    }
}

/// <summary>A fact about Linux thread affinity: skipped, with the reason, on other systems.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "thread affinity is pinned with sched_setaffinity, which only Linux has";
    }
}
