using Uvm.Model;
using Uvm.Scenarios.Explain;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// A fingerprint of the kernel state as the read-only view shows it: every entity's public fields
/// (the facts explain prints), plus where each kernel thread sleeps or whether it has exited.
/// Two states with the same fingerprint look the same to every property; the threads' program
/// counters and locals are not part of it. Used to count distinct states, never to prune.
/// </summary>
public sealed class StateHash
{
    /// <summary>The reflection-based describer, with its per-type property cache (one per hasher).</summary>
    private readonly StateDescriber _describer = new();

    /// <summary>The 64-bit FNV-1a hash of the kernel state.</summary>
    public ulong Of(Kernel kernel)
    {
        ulong h = 14695981039346656037UL;
        foreach (var e in _describer.Describe(kernel).Entities)
        {
            h = Mix(h, e.Key);
            foreach (var f in e.Facts)
            {
                h = Mix(h, f.Name);
                h = Mix(h, f.Value);
            }
        }
        foreach (var t in kernel.Threads)
            h = Mix(h, t.Exited ? "exited" : t.SleepingOn?.ToString() ?? "runnable");
        return h;
    }

    private static ulong Mix(ulong h, string s)
    {
        foreach (char c in s)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        h ^= 0xff;
        return h * 1099511628211UL;
    }
}
