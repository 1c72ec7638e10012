using System.Collections.Frozen;
using System.Reflection;
using System.Reflection.Emit;

namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>The CLI opcode table (ECMA-335 III), read once from <see cref="OpCodes"/>: operand sizes and stack effects.</summary>
internal static class IlOpcodes
{
    /// <summary>Every opcode by its value (two-byte opcodes start with 0xFE).</summary>
    private static readonly FrozenDictionary<ushort, OpCode> ByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToFrozenDictionary(o => (ushort)o.Value);

    /// <summary>Reads the opcode at <paramref name="pos"/> and moves past it.</summary>
    public static OpCode Read(byte[] il, ref int pos)
    {
        ushort value = il[pos++];
        if (value == 0xFE) value = (ushort)(0xFE00 | il[pos++]);
        return ByValue.TryGetValue(value, out var op) ? op : throw new BadImageFormatException($"unknown IL opcode 0x{value:x}");
    }

    /// <summary>The size in bytes of the inline operand of <paramref name="op"/> at <paramref name="pos"/>.</summary>
    public static int OperandSize(OpCode op, byte[] il, int pos) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, pos),
        _ => 4,
    };

    /// <summary>How many values <paramref name="op"/> pops, apart from calls (<see cref="StackBehaviour.Varpop"/>).</summary>
    public static int Pops(OpCode op) => op.StackBehaviourPop switch
    {
        StackBehaviour.Pop0 or StackBehaviour.Varpop => 0,
        StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
        StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8
            or StackBehaviour.Popref_popi_popr4 or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref
            or StackBehaviour.Popref_popi_pop1 => 3,
        _ => 2,
    };

    /// <summary>How many values <paramref name="op"/> pushes, apart from calls.</summary>
    public static int Pushes(OpCode op) => op.StackBehaviourPush switch
    {
        StackBehaviour.Push0 or StackBehaviour.Varpush => 0,
        StackBehaviour.Push1_push1 => 2,
        _ => 1,
    };

    /// <summary>The branch targets of <paramref name="op"/> whose operand starts at <paramref name="pos"/>, or none.</summary>
    public static IEnumerable<int> Targets(OpCode op, byte[] il, int pos, int next)
    {
        switch (op.OperandType)
        {
            case OperandType.ShortInlineBrTarget:
                yield return next + (sbyte)il[pos];
                break;
            case OperandType.InlineBrTarget:
                yield return next + BitConverter.ToInt32(il, pos);
                break;
            case OperandType.InlineSwitch:
                int n = BitConverter.ToInt32(il, pos);
                for (int i = 0; i < n; i++) yield return next + BitConverter.ToInt32(il, pos + 4 + 4 * i);
                break;
        }
    }

    /// <summary>The local or argument index an ldloc/stloc/ldarg/ldloca form names.</summary>
    public static int VariableIndex(OpCode op, byte[] il, int pos) => op.OperandType switch
    {
        OperandType.ShortInlineVar => il[pos],
        OperandType.InlineVar => BitConverter.ToUInt16(il, pos),
        _ => op.Name![^1] - '0',
    };
}
