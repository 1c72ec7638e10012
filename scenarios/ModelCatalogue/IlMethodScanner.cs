using System.Reflection;
using System.Reflection.Emit;
using Uvm.Model.Core;

namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>A call of <c>Step.Ran/Sleep/Exit</c> found in a method body, with the label it passes.</summary>
internal sealed record StepSite(StepKind Kind, LabelValue Label, int Offset);

/// <summary>A call found in a method body, with what it passes (to fill a callee's parameter holes).</summary>
internal sealed record CallSite(MethodBase Callee, IReadOnlyList<LabelValue> Arguments, int Offset);

/// <summary>What one method body does with strings: step labels, calls, string results.</summary>
internal sealed record MethodScan(MethodBase Method, IReadOnlyList<StepSite> Steps, IReadOnlyList<CallSite> Calls, IReadOnlyList<LabelValue> Returns);

/// <summary>
/// Reads one method's IL and follows, by abstract interpretation of the evaluation stack, which
/// strings reach the label argument of <see cref="Step.Ran"/>, <see cref="Step.Sleep"/> and
/// <see cref="Step.Exit"/>: literals, concatenations, interpolations, the method's parameters
/// (an iterator's are fields of its state machine) and other methods' results. Branches join by
/// union, so <c>cond ? "exit2" : "lwp_exit2"</c> gives both labels.
/// </summary>
internal sealed class IlMethodScanner
{
    /// <summary>The method whose body is read.</summary>
    private readonly MethodBase _method;

    /// <summary>The iterator method whose state machine's MoveNext this is, or null.</summary>
    private readonly MethodBase? _kickoff;

    /// <summary>The IL being read.</summary>
    private readonly byte[] _il;

    /// <summary>
    /// Abstract values of locals, every store joined (flow-insensitive): a Debug build returns
    /// through one local from every return statement, and all of them must be seen.
    /// </summary>
    private readonly Dictionary<int, LabelValue> _locals = [];

    /// <summary>Abstract values stored into fields of <c>this</c> (an iterator's hoisted locals).</summary>
    private readonly Dictionary<string, LabelValue> _fields = [];

    /// <summary>Stacks recorded for branch targets not reached yet.</summary>
    private readonly Dictionary<int, List<LabelValue>> _incoming = [];

    private readonly List<StepSite> _steps = [];
    private readonly List<CallSite> _calls = [];
    private readonly List<LabelValue> _returns = [];

    private IlMethodScanner(MethodBase method, MethodBase? kickoff, byte[] il)
    {
        _method = method;
        _kickoff = kickoff;
        _il = il;
    }

    /// <summary>Scans <paramref name="method"/>; <paramref name="kickoff"/> is the iterator it implements, if any.</summary>
    public static MethodScan? Scan(MethodBase method, MethodBase? kickoff)
    {
        var body = method.GetMethodBody();
        if (body?.GetILAsByteArray() is not { } il) return null;
        var scanner = new IlMethodScanner(method, kickoff, il);
        scanner.Run(body);
        return new MethodScan(method, scanner._steps, scanner._calls, scanner._returns);
    }

    private void Run(MethodBody body)
    {
        var handlers = body.ExceptionHandlingClauses.ToDictionary(c => c.HandlerOffset, c => c.Flags is ExceptionHandlingClauseOptions.Clause or ExceptionHandlingClauseOptions.Filter);
        List<LabelValue>? stack = [];
        int pos = 0;
        while (pos < _il.Length)
        {
            int start = pos;
            if (handlers.TryGetValue(start, out bool isCatch)) stack = isCatch ? [LabelValue.Opaque("exception")] : [];
            else if (_incoming.Remove(start, out var seen)) stack = stack is null ? seen : Merge(stack, seen);
            stack ??= [];
            var op = IlOpcodes.Read(_il, ref pos);
            int operand = pos;
            pos += IlOpcodes.OperandSize(op, _il, pos);
            stack = Execute(op, operand, pos, stack);
        }
    }

    /// <summary>Runs one instruction on the abstract stack; returns null when control does not fall through.</summary>
    private List<LabelValue>? Execute(OpCode op, int operand, int next, List<LabelValue> stack)
    {
        string name = op.Name!;
        if (op == OpCodes.Ldstr) stack.Add(new LabelValue([[new Literal(_method.Module.ResolveString(Token(operand)))]]));
        else if (name.StartsWith("ldarg", StringComparison.Ordinal) && !name.StartsWith("ldarga", StringComparison.Ordinal)) stack.Add(Argument(IlOpcodes.VariableIndex(op, _il, operand)));
        else if (name.StartsWith("ldloca", StringComparison.Ordinal)) stack.Add(new LabelValue([], LocalAddress: IlOpcodes.VariableIndex(op, _il, operand)));
        else if (name.StartsWith("ldloc", StringComparison.Ordinal)) stack.Add(_locals.GetValueOrDefault(IlOpcodes.VariableIndex(op, _il, operand)) ?? LabelValue.Opaque("local"));
        else if (name.StartsWith("stloc", StringComparison.Ordinal)) StoreLocal(IlOpcodes.VariableIndex(op, _il, operand), Pop(stack));
        else if (op == OpCodes.Dup) stack.Add(stack.Count > 0 ? stack[^1] : LabelValue.Opaque("?"));
        else if (op == OpCodes.Ldfld) stack.Add(LoadField(Pop(stack), Field(operand)));
        else if (op == OpCodes.Stfld) StoreField(stack, Field(operand));
        else if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj) Call(op, operand, next, stack);
        else if (op == OpCodes.Ret)
        {
            if (_method is MethodInfo { ReturnType: var r } && r == typeof(string) && stack.Count > 0) _returns.Add(stack[^1]);
            return null;
        }
        else if (op == OpCodes.Leave || op == OpCodes.Leave_S)
        {
            foreach (int t in IlOpcodes.Targets(op, _il, operand, next)) Record(t, []);
            return null;
        }
        else
        {
            for (int i = IlOpcodes.Pops(op); i > 0; i--) Pop(stack);
            foreach (int t in IlOpcodes.Targets(op, _il, operand, next)) Record(t, stack);
            if (op.FlowControl is FlowControl.Branch or FlowControl.Throw || op == OpCodes.Endfinally) return null;
            for (int i = IlOpcodes.Pushes(op); i > 0; i--) stack.Add(LabelValue.Opaque("value"));
        }
        return stack;
    }

    private void Call(OpCode op, int operand, int next, List<LabelValue> stack)
    {
        var callee = ResolveMethod(Token(operand));
        var args = new LabelValue[callee.GetParameters().Length];
        for (int i = args.Length - 1; i >= 0; i--) args[i] = Pop(stack);
        var target = !callee.IsStatic && op != OpCodes.Newobj ? Pop(stack) : null;
        int offset = next - 5;
        if (callee.DeclaringType == typeof(Step) && callee.Name is nameof(Step.Ran) or nameof(Step.Sleep) or nameof(Step.Exit))
            _steps.Add(new StepSite(Enum.Parse<StepKind>(callee.Name == nameof(Step.Ran) ? nameof(StepKind.Continue) : callee.Name), args[0], offset));
        else if (callee.Module == _method.Module) _calls.Add(new CallSite(callee, args, offset));

        if (target?.LocalAddress is { } local && InterpolationHandler(callee, local, args) is { } result)
        {
            if (result.Push) stack.Add(result.Value);
            return;
        }
        if (callee.DeclaringType == typeof(string) && callee.Name == nameof(string.Concat) && args.Length > 0 && callee.GetParameters().All(p => p.ParameterType == typeof(string)))
            stack.Add(args.Skip(1).Aggregate(args[0], (a, b) => a.Then(b)));
        else if (op == OpCodes.Newobj) stack.Add(LabelValue.Opaque(callee.DeclaringType!.Name));
        else if (callee is MethodInfo m && m.ReturnType != typeof(void))
            stack.Add(m.ReturnType == typeof(string) && callee.Module == _method.Module ? LabelValue.Of(new ReturnHole(callee)) : LabelValue.Opaque(callee.Name));
    }

    /// <summary>DefaultInterpolatedStringHandler on a local: the constructor, Append*, ToStringAndClear.</summary>
    private (bool Push, LabelValue Value)? InterpolationHandler(MethodBase callee, int local, LabelValue[] args)
    {
        if (callee.DeclaringType?.Name != "DefaultInterpolatedStringHandler") return null;
        var sofar = _locals.GetValueOrDefault(local) ?? LabelValue.Empty;
        switch (callee.Name)
        {
            case ".ctor":
                _locals[local] = LabelValue.Empty;
                return (false, LabelValue.Empty);
            case "AppendLiteral":
                _locals[local] = sofar.Then(args[0]);
                return (false, LabelValue.Empty);
            case "AppendFormatted":
                var p = callee.GetParameters();
                _locals[local] = sofar.Then(p[0].ParameterType == typeof(string) ? args[0] : LabelValue.Opaque("value"));
                return (false, LabelValue.Empty);
            case "ToStringAndClear":
                return (true, sofar);
            default:
                return null;
        }
    }

    private void StoreLocal(int index, LabelValue value) =>
        _locals[index] = _locals.TryGetValue(index, out var before) && before.LocalAddress is null && value.LocalAddress is null && !value.IsThis ? before.Or(value) : value;

    private LabelValue Argument(int index)
    {
        if (!_method.IsStatic)
        {
            if (index == 0) return new LabelValue([], IsThis: true);
            index--;
        }
        var ps = _method.GetParameters();
        return index < ps.Length ? LabelValue.Of(new ParameterHole(_method, index, ps[index].Name ?? $"arg{index}")) : LabelValue.Opaque("arg");
    }

    private LabelValue LoadField(LabelValue target, FieldInfo field)
    {
        if (!target.IsThis) return LabelValue.Opaque(field.Name);
        if (_fields.TryGetValue(field.Name, out var stored)) return stored;
        if (_kickoff?.GetParameters().FirstOrDefault(p => p.Name == field.Name) is { } p) return LabelValue.Of(new ParameterHole(_kickoff, p.Position, p.Name!));
        return LabelValue.Opaque(HoistedName(field.Name));
    }

    private void StoreField(List<LabelValue> stack, FieldInfo field)
    {
        var value = Pop(stack);
        if (Pop(stack).IsThis) _fields[field.Name] = value;
    }

    /// <summary>A hoisted local's source name: <c>&lt;what&gt;5__2</c> is <c>what</c>.</summary>
    private static string HoistedName(string field) =>
        field.StartsWith('<') && field.IndexOf('>') is > 1 and var end ? field[1..end] : field;

    private void Record(int target, List<LabelValue> stack) =>
        _incoming[target] = _incoming.TryGetValue(target, out var other) ? Merge(other, stack) : [.. stack];

    private static List<LabelValue> Merge(List<LabelValue> a, List<LabelValue> b) =>
        a.Count == b.Count ? [.. a.Zip(b, (x, y) => x.Or(y))] : [.. a];

    private static LabelValue Pop(List<LabelValue> stack)
    {
        if (stack.Count == 0) return LabelValue.Opaque("?");
        var v = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    private int Token(int operand) => BitConverter.ToInt32(_il, operand);

    private FieldInfo Field(int operand) => _method.Module.ResolveField(Token(operand), GenericTypeArguments(), GenericMethodArguments())!;

    private MethodBase ResolveMethod(int token) => _method.Module.ResolveMethod(token, GenericTypeArguments(), GenericMethodArguments())!;

    private Type[]? GenericTypeArguments() => _method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;

    private Type[]? GenericMethodArguments() => _method.IsGenericMethod ? _method.GetGenericArguments() : null;
}
