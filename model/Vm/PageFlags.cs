namespace Uvm.Model.Vm;

/// <summary>pg->flags of struct vm_page (uvm_page.h, 2002), the ones the modelled paths use.</summary>
[Flags]
public enum PageFlags
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>PG_BUSY: an owner thread holds the page (I/O, fault); others sleep on it.</summary>
    Busy = 1,

    /// <summary>PG_WANTED: someone sleeps on the page until PG_BUSY clears.</summary>
    Wanted = 2,

    /// <summary>PG_RELEASED: free the page when it is un-busied (its owner went away meanwhile).</summary>
    Released = 4,

    /// <summary>PG_PAGEOUT: the pagedaemon frees the page when its pageout I/O completes.</summary>
    Pageout = 8,

    /// <summary>PG_CLEAN: the page equals its copy in swap (the pmap modified bit is folded in here).</summary>
    Clean = 16,

    /// <summary>PG_FAKE: the page holds no valid data yet (being read in).</summary>
    Fake = 32,

    /// <summary>PG_RDONLY: map the page read-only (the shared zero page of uvm_loanzero).</summary>
    RdOnly = 64,
}
