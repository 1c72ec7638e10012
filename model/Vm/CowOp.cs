namespace Uvm.Model.Vm;

/// <summary>What a copy-on-write process's LWP does (model/Cow/CowProcess.cs).</summary>
public enum CowOpKind
{
    /// <summary>A read of <see cref="CowOp.Page"/>: a read fault.</summary>
    Read,

    /// <summary>A write of <see cref="CowOp.Page"/>: a write fault.</summary>
    Write,

    /// <summary>fork(): the child runs the process's child operations.</summary>
    Fork,

    /// <summary>munmap() of the whole entry.</summary>
    Unmap,

    /// <summary>mprotect(PROT_READ) of the whole entry.</summary>
    Protect,

    /// <summary>madvise(MADV_DONTNEED) of the whole entry: uvm_map_clean(PGO_DEACTIVATE).</summary>
    DontNeed,

    /// <summary>madvise(MADV_FREE) of the whole entry: uvm_map_clean(PGO_FREE).</summary>
    Free,

    /// <summary>mlock() of the whole entry: uvm_map_pageable(..., FALSE) wires it (model/Cow/CowWiring.cs).</summary>
    Wire,

    /// <summary>munlock() of the whole entry: uvm_map_pageable(..., TRUE) unwires it.</summary>
    Unwire,

    /// <summary>mprotect(PROT_READ|PROT_WRITE) of the whole entry: uvm_map_protect() gives writing back.</summary>
    Unprotect,

    /// <summary>
    /// munmap() of <see cref="CowOp.Pages"/> pages from page <see cref="CowOp.Page"/>, a head or a
    /// tail of the mapping: uvm_unmap() clips the entry (amap_splitref) and amap_unref() drops the
    /// removed part's slots (model/Cow/CowMapOps.cs UnmapRange).
    /// </summary>
    UnmapRange,
}

/// <summary>One operation of a copy-on-write process.</summary>
public sealed record CowOp(CowOpKind Kind, int Page = 0, int Pages = 0)
{
    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        CowOpKind.Read or CowOpKind.Write => $"{Kind.ToString().ToLowerInvariant()}({Page})",
        CowOpKind.UnmapRange => $"munmap({Page},{Pages})",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
