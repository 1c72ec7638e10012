using System.Runtime.InteropServices;

namespace Uvm.Scenarios;

/// <summary>
/// Keeps the OS threads of one Coyote engine on one CPU core (Linux; elsewhere a no-op).
/// <para>
/// Coyote runs each controlled operation (the root and every actor) on its own OS thread, and only
/// one of them runs at a time: each scheduling decision hands off from one thread to the next.
/// Left free, the next thread wakes on another core while the one handing off spins, so one
/// engine keeps about 1.3 cores busy with handoffs; on one core a handoff is a plain same-core
/// switch. Measured on the 2-core CI machine, swapout, 3000 schedules, one engine in process:
/// 331 schedules/s free, 393 with its actors' threads pinned. .NET starts every thread with the
/// main thread's affinity, so in process a thread can only be pinned once it runs our code (see
/// <see cref="Uvm.Model.Actors.KernelBoot.Start"/>); <see cref="WorkerProcessHost"/> pins whole
/// worker processes instead.
/// </para>
/// </summary>
public static class CoreAffinity
{
    /// <summary>The cores this process may run on (its main thread's), in order; empty where affinity is not supported.</summary>
    public static IReadOnlyList<int> AllowedCores() => CoresOf(Environment.ProcessId);

    /// <summary>The cores the calling thread may run on, in order; empty where affinity is not supported.</summary>
    public static IReadOnlyList<int> AllowedCoresOfThisThread() => CoresOf(0);

    private static IReadOnlyList<int> CoresOf(int thread)
    {
        if (!OperatingSystem.IsLinux()) return [];
        var mask = new ulong[16];
        if (sched_getaffinity(thread, (IntPtr)(mask.Length * sizeof(ulong)), mask) < 0) return [];
        var cores = new List<int>();
        for (int word = 0; word < mask.Length; word++)
            for (int bit = 0; bit < 64; bit++)
                if ((mask[word] & (1UL << bit)) != 0) cores.Add(word * 64 + bit);
        return cores;
    }

    /// <summary>The core the calling thread runs on now, or -1 where that is not known.</summary>
    public static int CurrentCore() => OperatingSystem.IsLinux() ? sched_getcpu() : -1;

    /// <summary>
    /// Restricts the calling OS thread to <paramref name="core"/>. Returns false (and changes
    /// nothing) where that is not supported or the core is not allowed.
    /// </summary>
    public static bool PinCurrentThread(int core) => Pin(0, core);

    /// <summary>
    /// Restricts the process's main thread to <paramref name="core"/>. .NET starts every new
    /// thread with the main thread's affinity, so every thread started afterwards keeps to that
    /// core too. Returns false where that is not supported.
    /// </summary>
    public static bool PinProcess(int core) => Pin(Environment.ProcessId, core);

    /// <summary>Restricts thread <paramref name="thread"/> (0: the calling one) to <paramref name="core"/>.</summary>
    private static bool Pin(int thread, int core)
    {
        if (!OperatingSystem.IsLinux() || core < 0 || core >= 16 * 64) return false;
        var mask = new ulong[16];
        mask[core / 64] = 1UL << (core % 64);
        return sched_setaffinity(thread, (IntPtr)(mask.Length * sizeof(ulong)), mask) == 0;
    }

    /// <summary>
    /// Hands out cores to the engines of one campaign: each engine takes the least used core and
    /// gives it back when it ends. Local to the campaign (no process-wide state), so separate
    /// campaigns in one process may share cores.
    /// </summary>
    public sealed class Pool(IReadOnlyList<int> cores)
    {
        /// <summary>
        /// A pool of the allowed cores, starting at the one the calling thread runs on, so that
        /// separate processes, each starting on whatever core the OS gave it, spread out.
        /// </summary>
        public static Pool FromHere()
        {
            var allowed = AllowedCores();
            int here = OperatingSystem.IsLinux() ? sched_getcpu() : -1;
            int at = Math.Max(0, allowed.ToList().IndexOf(here));
            return new Pool([.. allowed.Skip(at), .. allowed.Take(at)]);
        }

        private readonly int[] _cores = [.. cores];

        private readonly int[] _users = new int[cores.Count];

        /// <summary>A core for one engine, or null when there is nothing to pin to.</summary>
        public int? Take()
        {
            if (_cores.Length == 0) return null;
            lock (_users)
            {
                int best = 0;
                for (int i = 1; i < _users.Length; i++)
                    if (_users[i] < _users[best]) best = i;
                _users[best]++;
                return _cores[best];
            }
        }

        /// <summary>Gives back a core from <see cref="Take"/>.</summary>
        public void Return(int? core)
        {
            if (core is null) return;
            lock (_users)
            {
                int i = Array.IndexOf(_cores, core.Value);
                if (i >= 0 && _users[i] > 0) _users[i]--;
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, IntPtr size, ulong[] mask);

    [DllImport("libc")]
    private static extern int sched_getcpu();

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_getaffinity(int pid, IntPtr size, [Out] ulong[] mask);
}
