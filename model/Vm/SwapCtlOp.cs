namespace Uvm.Model.Vm;

/// <summary>What swapctl(8) does to the swap device, in order.</summary>
public enum SwapCtlOp
{
    /// <summary>swapctl -d: SWAP_OFF, page everything in and remove the device.</summary>
    Off,

    /// <summary>swapctl -a: SWAP_ON, add the device back.</summary>
    On,
}
