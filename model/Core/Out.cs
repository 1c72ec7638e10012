namespace Uvm.Model.Core;

/// <summary>An out-parameter for a step sequence (iterators cannot return values).</summary>
public sealed class Out<T>
{
    /// <summary>The value the sequence produced.</summary>
    public T? Value { get; set; }
}
