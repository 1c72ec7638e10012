using System.Text.Json;
using System.Text.Json.Serialization;

namespace Uvm.Model;

/// <summary>
/// A <see cref="KernelConfig"/> in JSON, as worker processes receive it: the ids of the switches on
/// the exit design and whether the detectors run, <c>{"switches": ["pr23095"], "exitDesign": ..., "detectors": false}</c>
/// (<c>detectors</c> and <c>bigLock</c> are written only when off; missing means on). Ids are looked up in
/// the registry; an unknown one is an error naming it.
/// </summary>
public sealed class KernelConfigJson : JsonConverter<KernelConfig>
{
    /// <inheritdoc/>
    public override KernelConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var dto = JsonSerializer.Deserialize<Dto>(ref reader, options) ?? throw new JsonException("kernel config: null");
        var config = Switches.Configure(dto.Switches ?? []);
        return config with { ExitDesign = dto.ExitDesign, Detectors = dto.Detectors ?? true, BigLock = dto.BigLock ?? true };
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, KernelConfig value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new Dto(Switches.EnabledIn(value), value.ExitDesign, value.Detectors ? null : false, value.BigLock ? null : false), options);

    private sealed record Dto(
        IReadOnlyList<string>? Switches, ExitDesign ExitDesign,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Detectors = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? BigLock = null);
}
