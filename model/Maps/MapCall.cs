namespace Uvm.Model.Maps;

/// <summary>What one uvm_map() call returned: the address, or null and the layout it found full.</summary>
public sealed class MapCall
{
    /// <summary>
    /// The caller may sleep right after this uvm_map() returns, in code the model leaves out (an
    /// exec vmcmd's vnode I/O): its last step releases the big lock (<see cref="KernelThread.MaySleep"/>).
    /// </summary>
    public bool MaySleepAfter { get; init; }

    /// <summary>The start of the new mapping, or null after ENOMEM.</summary>
    public int? Va { get; internal set; }

    /// <summary>On ENOMEM: the entries uvm_map_findspace() searched, taken under the map lock.</summary>
    public IReadOnlyList<(int Start, int End)> FullLayout { get; internal set; } = [];
}
