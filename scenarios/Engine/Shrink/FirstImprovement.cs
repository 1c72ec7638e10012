namespace Uvm.Scenarios;

/// <summary>
/// The search both shrinkers run: try the candidates of the best so far in order, take the first
/// one accepted, and start again from it; stop when a whole pass accepts none, after a number of
/// tries, or when cancelled.
/// </summary>
internal static class FirstImprovement
{
    /// <summary>
    /// The best found from <paramref name="start"/>: <paramref name="accept"/> gives the improvement
    /// a candidate stands for, or null. <paramref name="tried"/> counts the candidates tried (at
    /// most <paramref name="maxTries"/> of them were).
    /// </summary>
    public static TBest Search<TBest, TCandidate>(TBest start, Func<TBest, IEnumerable<TCandidate>> candidates,
        Func<TBest, TCandidate, TBest?> accept, int maxTries, CancellationToken cancel, out int tried) where TBest : class
    {
        var best = start;
        tried = 0;
        bool improved = true;
        while (improved && tried < maxTries && !cancel.IsCancellationRequested)
        {
            improved = false;
            foreach (var candidate in candidates(best))
            {
                if (++tried > maxTries || cancel.IsCancellationRequested) break;
                if (accept(best, candidate) is { } better)
                {
                    best = better;
                    improved = true;
                    break;
                }
            }
        }
        return best;
    }
}
