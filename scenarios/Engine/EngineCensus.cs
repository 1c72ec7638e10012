using System.Globalization;

namespace Uvm.Scenarios;

/// <summary>
/// Which threads of a campaign explored, and where (issue 20: claims about threads and cores are
/// checked, not assumed): per explorer thread, the chunks it took, the schedules it ran and the
/// cores it was seen on (sampled at each chunk's start, Linux only), with the cores the process may use.
/// </summary>
public sealed record EngineCensus(IReadOnlyList<int> Chunks, IReadOnlyList<int> Schedules, IReadOnlyList<IReadOnlyList<int>> Cores,
    IReadOnlyList<int> Allowed)
{
    /// <summary>Threads that ran at least one schedule.</summary>
    public int ThreadsUsed => Schedules.Count(s => s > 0);

    /// <summary>One line: threads used of those started, schedules and chunks of each, the cores each was seen on.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ThreadsUsed} of {Schedules.Count} explorer threads ran schedules ({string.Join(", ", Schedules.Select((s, i) => $"{s} in {Chunks[i]} chunks on cores {{{string.Join(",", Cores[i])}}}"))}); {Allowed.Count} cores allowed");
}

/// <summary>Takes an <see cref="EngineCensus"/>: each explorer thread writes only its own slot.</summary>
internal sealed class CensusTaker(int threads)
{
    private readonly int[] _chunks = new int[threads];
    private readonly int[] _schedules = new int[threads];
    private readonly HashSet<int>[] _cores = [.. Enumerable.Range(0, threads).Select(_ => new HashSet<int>())];

    /// <summary>Thread <paramref name="thread"/> takes a chunk, on the core it runs on now.</summary>
    public void Chunk(int thread)
    {
        _chunks[thread]++;
        if (CoreAffinity.CurrentCore() is int core and >= 0) _cores[thread].Add(core);
    }

    /// <summary>Thread <paramref name="thread"/> ran <paramref name="schedules"/> more schedules.</summary>
    public void Ran(int thread, int schedules) => _schedules[thread] += schedules;

    /// <summary>The census, once every thread has ended.</summary>
    public EngineCensus Summary() => new([.. _chunks], [.. _schedules], [.. _cores.Select(c => (IReadOnlyList<int>)[.. c.Order()])], CoreAffinity.AllowedCores());
}
