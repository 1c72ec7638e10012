using System.Runtime.InteropServices;

namespace Uvm.Cli;

/// <summary>
/// SIGINT and SIGTERM as a cancellation, for the commands that can stop cleanly (<c>run</c>, <c>verify</c>,
/// <c>shrink</c>, the worker): the first signal stops their work, which then reports what it
/// explored, writes its reports and keeps any counterexample found; a second signal, or a signal
/// while no such command runs, terminates the process as usual.
/// </summary>
public sealed class Interrupt : IDisposable
{
    /// <summary>SIGINT's number, which makes exit code 130.</summary>
    public const int Sigint = 2;

    /// <summary>SIGTERM's number, which makes exit code 143.</summary>
    public const int Sigterm = 15;

    /// <summary>Cancelled by the first signal while armed.</summary>
    private readonly CancellationTokenSource _raised = new();

    /// <summary>The handlers registered with the runtime (none for an interrupt tests raise by hand).</summary>
    private readonly List<PosixSignalRegistration> _registrations = [];

    /// <summary>The number of the signal received, 0 before any.</summary>
    private int _signal;

    /// <summary>1 while a command that stops cleanly runs.</summary>
    private int _armed;

    /// <summary>An interrupt that listens for SIGINT and SIGTERM (SIGINT only, where SIGTERM does not exist).</summary>
    public static Interrupt Listen()
    {
        var interrupt = new Interrupt();
        interrupt._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => interrupt.Handle(c, Sigint)));
        if (!OperatingSystem.IsWindows())
            interrupt._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => interrupt.Handle(c, Sigterm)));
        return interrupt;
    }

    /// <summary>Fires at the first signal received while armed.</summary>
    public CancellationToken Token => _raised.Token;

    /// <summary>The signal's name ("SIGINT", "SIGTERM"), or null while none was received.</summary>
    public string? Signal => Volatile.Read(ref _signal) switch { Sigint => "SIGINT", Sigterm => "SIGTERM", 0 => null, var n => $"signal {n}" };

    /// <summary>The exit code of a run the signal ended without a bug: 128 + the signal's number.</summary>
    public int ExitCode => 128 + Volatile.Read(ref _signal);

    /// <summary>From now on the first signal cancels <see cref="Token"/> instead of terminating the process.</summary>
    public void Arm() => Volatile.Write(ref _armed, 1);

    /// <summary>Acts as if <paramref name="signal"/> had been received (for tests and for the handlers).</summary>
    public bool Raise(int signal)
    {
        if (Volatile.Read(ref _armed) == 0 || Interlocked.CompareExchange(ref _signal, signal, 0) != 0) return false;
        _raised.Cancel();
        return true;
    }

    private void Handle(PosixSignalContext context, int signal)
    {
        // Cancel = true keeps the process alive; only the first signal to an armed command does.
        context.Cancel = Raise(signal);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _raised.Dispose();
    }
}
