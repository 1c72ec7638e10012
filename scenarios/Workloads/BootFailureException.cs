using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>
/// The kernel under test failed while it booted, before any step could run: model code at boot
/// (a section's start, such as the exec layout of the boot image through uvm_map_findspace())
/// threw. Every schedule fails there, so no search is needed to find it: `run` reports it as the
/// first schedule's violation (<see cref="ViolationId"/>, no steps), written and reported like any
/// other, and replay reproduces it by booting; elsewhere the CLI says it in one line (exit 1). A workload that cannot boot
/// even on the fixed kernel is refused earlier, as bad input, by the workload checks.
/// </summary>
public sealed class BootFailureException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The id of the violation a boot failure is reported as (a panic at "boot").</summary>
    public const string ViolationId = "panic boot";

    /// <summary>The violation this failure is: a panic of the boot, before any step, with the kernel's message.</summary>
    public Violation Violation => new(ViolationKind.Panic, "boot", $"{Violation.Tag(ViolationKind.Panic, "boot")} panic: boot: {Message}");

    /// <summary>The boot failure of <paramref name="workload"/> under <paramref name="config"/>, or null when the kernel boots it.</summary>
    public static BootFailureException? Of(Workload workload, KernelConfig config)
    {
        try
        {
            _ = KernelBuilder.Build(workload, config);
            return null;
        }
        catch (BootFailureException e)
        {
            return e;
        }
    }
}
