namespace Uvm.Model;

/// <summary>The switches of the amap, copy-on-write and fault-relock paths (model/Cow/).</summary>
public static partial class Switches
{
    /// <summary>amap_copy(): the slots are copied but an_ref++ is skipped.</summary>
    public static readonly KernelSwitch AmapCopySkipsAnonRef = Mutation("amap-copy-skips-anon-ref", "amap_copy", "cow-fork",
        "amap_copy() copies the anon slots into the new amap but skips an_ref++ (a reference count not taken)");

    /// <summary>amap_ref() at fork: am_ref++ as a read and a later write without am_l.</summary>
    public static readonly KernelSwitch AmapRefWithoutLock = Mutation("amap-ref-without-lock", "amap_ref", "cow-fork",
        "amap_ref() at fork reads am_ref, lets another CPU run, and writes it back plus one without holding am_l (a count updated outside its lock)");

    /// <summary>uvm_fault() case 1: a write on a shared anon maps it writable instead of case 1B's copy.</summary>
    public static readonly KernelSwitch CowWritesSharedAnon = Mutation("cow-writes-shared-anon", "uvm_fault", "cow-fork",
        "uvm_fault() takes case 1A for a write on an anon with an_ref > 1 and maps it writable (a copy-on-write skipped)");

    /// <summary>uvmfault_anonget(): uvmfault_relock()'s result is ignored.</summary>
    public static readonly KernelSwitch RelockIgnoresTimestamp = Mutation("relock-ignores-timestamp", "uvmfault_relock", "refault",
        "uvmfault_relock() succeeds although the map's timestamp moved while the fault slept, so the fault goes on with a stale lookup (a relock result ignored)");

    /// <summary>uvm_unmap()/uvm_map_protect(): vm_map_unlock() without the timestamp bump.</summary>
    public static readonly KernelSwitch MapChangeSkipsTimestamp = Mutation("map-change-skips-timestamp", "uvm_unmap", "refault",
        "uvm_unmap() and uvm_map_protect() unlock the map without bumping its timestamp, so a sleeping fault's relock succeeds (a version not bumped)");

    /// <summary>uvm_fault() case 2: uvmfault_relock()'s result after pgo_get is ignored.</summary>
    public static readonly KernelSwitch ObjectFaultIgnoresRelock = Mutation("object-fault-ignores-relock", "uvm_fault", "cow-file",
        "uvm_fault() case 2 maps the object page (or promotes it) although uvmfault_relock() failed after the sleeping pgo_get (a relock result ignored)");

    /// <summary>uvm_fault() case 2: after the relock, the amap slot is not re-verified.</summary>
    public static readonly KernelSwitch PromoteSkipsSlotRecheck = Mutation("promote-skips-slot-recheck", "uvm_fault", "cow-file",
        "uvm_fault() case 2 does not re-verify after the relock that the amap slot is still free, so a promote adds a second anon to a slot another LWP filled while it slept (a re-check skipped)");
}
