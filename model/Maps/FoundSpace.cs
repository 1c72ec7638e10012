namespace Uvm.Model.Maps;

/// <summary>
/// What uvm_map_findspace() returns: the start of the range it says is free, and the entry the new
/// one is linked after (null for the map header, i.e. below every entry).
/// </summary>
public sealed record FoundSpace(int Va, MapEntry? Prev);
