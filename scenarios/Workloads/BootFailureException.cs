namespace Uvm.Scenarios;

/// <summary>
/// The kernel under test failed while it booted, before any step could run: model code at boot
/// (a section's start, such as the exec layout of the boot image through uvm_map_findspace())
/// threw. Every schedule fails there, so no search is needed to find it; the CLI reports it as a
/// bug of that kernel in one line (exit 1), with the kernel's message. A workload that cannot boot
/// even on the fixed kernel is refused earlier, as bad input, by the workload checks.
/// </summary>
public sealed class BootFailureException(string message, Exception inner) : Exception(message, inner);
