namespace Uvm.Model.Core;

/// <summary>
/// A sleep channel, the address a kernel thread passes to tsleep() and another passes to wakeup():
/// for example <c>&amp;proc0</c>, <c>&amp;uvm.pagedaemon</c> or <c>&amp;uvmexp.free</c>.
/// <see cref="Spin"/> marks the channel of a spinning lock (a simplelock, a spinlockmgr lock, the
/// kernel lock): a thread "asleep" there stands for a CPU spinning for the lock, which is no
/// context switch, so it may hold other spin locks meanwhile (<see cref="Detector.SleepWithSpinLock"/>).
/// </summary>
public readonly record struct WaitChannel(string Name, bool Spin = false)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
