namespace Uvm.Model.Vm;

/// <summary>
/// The error of a pageout buf as uvm_aio_aiodone() (uvm_pager.c) tells them apart: ENOMEM is
/// transient (re-dirty, reactivate, free the slots), anything else (EIO) permanent (the slots are
/// marked SWSLOT_BAD and the data is lost).
/// </summary>
public enum PageoutError
{
    /// <summary>The write succeeded.</summary>
    None,

    /// <summary>EIO: a permanent write error.</summary>
    Eio,

    /// <summary>ENOMEM: a transient failure; the page is written again later.</summary>
    Enomem,
}
