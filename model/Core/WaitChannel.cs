namespace Uvm.Model.Core;

/// <summary>
/// A sleep channel, the address a kernel thread passes to tsleep() and another passes to wakeup():
/// for example <c>&amp;proc0</c>, <c>&amp;uvm.pagedaemon</c> or <c>&amp;uvmexp.free</c>.
/// </summary>
public readonly record struct WaitChannel(string Name)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
