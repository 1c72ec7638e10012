namespace Uvm.Model.Core;

/// <summary>
/// Marks a clock reading, an age that schedcpu() advances every tick (kern_synch.c: l_swtime,
/// l_slptime, "we ignore overflow"), or a count that only grows and is read only as a difference
/// (uvmexp.pdfreed across one pagedaemon pass; uvmexp.swapins against the clock's copy): the
/// kernel's state never repeats while its clock runs or a loop counts, even where nothing else
/// moves. The cycle watch of the engine (a livelock is a fair return to a
/// state it was in) compares states without these fields, and shows instead what they decide:
/// the time against the workload's seconds, each LWP's sleep against maxslp, and the order in
/// which the swapper and proc0 rank LWPs by them (uvm_glue.c uvm_swapout_threads(),
/// uvm_scheduler()); a type that compares a count with its own copy shows whether the two agree
/// (ClockThread). verify's state cache compares them exactly, like every other field.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class ClockAttribute(string why) : Attribute
{
    /// <summary>What the field counts.</summary>
    public string Why { get; } = why;
}
