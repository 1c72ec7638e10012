namespace Uvm.Model.Vm;

/// <summary>
/// The pagedaemon freed a clean page or started the pageout of a dirty one (uvmpd_scan_inactive):
/// the page and how many kernel loans it carried at that moment, for the loan invariants.
/// </summary>
public sealed record PageReclaim(Page Page, int KernelLoans, string How);
