using Uvm.Model.Core;

namespace Uvm.Model;

/// <summary>The sleep channels of the memory allocator and the pagedaemon (uvm_pdaemon.c).</summary>
public static class Pageout
{
    /// <summary>&amp;uvmexp.free: uvm_wait() sleeps here until memory is freed.</summary>
    public static readonly WaitChannel FreeMemory = new("&uvmexp.free");

    /// <summary>&amp;uvm.pagedaemon: the pagedaemon sleeps here until woken by a shortage.</summary>
    public static readonly WaitChannel Pagedaemon = new("&uvm.pagedaemon");
}
