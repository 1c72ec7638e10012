namespace Uvm.Model.Exit;

/// <summary>Where a u-area is in its life (uvm_glue.c, 2004): every u-area is in exactly one of these.</summary>
public enum UareaState
{
    /// <summary>Allocated to an LWP: its l_addr (PCB and kernel stack).</summary>
    InUse,

    /// <summary>On the uvm_uareas free list, still wired, waiting for uvm_uarea_alloc() or uvm_uarea_drain().</summary>
    Cached,

    /// <summary>Taken off the free list by uvm_uarea_drain(), on its way back to kernel_map (uvm_km_free may sleep first).</summary>
    Freeing,

    /// <summary>Returned to kernel_map by uvm_km_free(); its pages are free.</summary>
    Freed,
}
