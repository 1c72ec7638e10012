namespace Uvm.Model.Vm;

/// <summary>An asynchronous pageout in flight (uvm_swap_put with B_ASYNC): the page and the slot it is written to.</summary>
public sealed record PageIo(Page Page, int Slot);
