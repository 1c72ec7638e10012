namespace Uvm.Scenarios;

/// <summary>The <c>admin</c> section: an administrator who runs swapctl -d / -a a number of times.</summary>
public sealed record AdminWorkload
{
    /// <summary>swapctl -d, -a cycles.</summary>
    public int SwapctlCycles { get; init; } = 1;
}
