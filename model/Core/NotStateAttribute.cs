namespace Uvm.Model.Core;

/// <summary>
/// Marks a field, or every field of a type, that does not decide what the kernel does from here
/// on: the drivers' hooks (<see cref="Kernel.Choice"/>, <see cref="Kernel.Accesses"/>), bookkeeping
/// that only grows (<see cref="WriteVersions"/>, <see cref="Discipline.StepSerial"/>), or a value
/// used only in a message. verify's state cache (docs/verify.md, "State caching") compares two
/// states without such fields, so each use is a claim that two states differing only there have
/// the same futures: the same steps, the same choices and the same violations, up to the text of
/// a message. A type that must show only part of a field, or a field relative to another, marks
/// the field and says what it decides in <see cref="IStateShown.Show"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class NotStateAttribute(string why) : Attribute
{
    /// <summary>Why the field decides nothing that follows.</summary>
    public string Why { get; } = why;
}

/// <summary>
/// An object that shows verify's state cache what its fields marked <see cref="NotStateAttribute"/>
/// still decide (the detectors' store log while the next step may read it, say).
/// </summary>
public interface IStateShown
{
    /// <summary>Mixes into <paramref name="state"/> what of the marked fields decides the future.</summary>
    void Show(IStateMixer state);
}

/// <summary>What <see cref="IStateShown.Show"/> mixes into: values, texts and references to other objects.</summary>
public interface IStateMixer
{
    /// <summary>Mixes a scalar.</summary>
    void Value(long value);

    /// <summary>Mixes a string by its content (null apart from every string).</summary>
    void Text(string? text);

    /// <summary>Mixes a reference: its object is part of the state, named by where it was first met.</summary>
    void Ref(object? target);
}
