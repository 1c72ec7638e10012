using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>
/// Every step label of the model, read from the model assembly's IL without running it: each
/// <c>Step.Ran/Sleep/Exit</c> call (in iterator state machines too) with the label it passes,
/// labels passed down to helpers (<c>Locks.Take(lock, self, "uao_detach: relock")</c>) and
/// returned by them (<c>RunQuantum</c>) followed to where they are written. Labels built at run
/// time from values the IL does not fix are kept as templates (<c>uvm_wait: {msg}</c>).
/// Ordered by declaring type, then in order of declaration.
/// </summary>
public sealed class StepCatalogue
{
    /// <summary>How many helper calls deep a label is followed.</summary>
    private const int MaxDepth = 8;

    /// <summary>The catalogue of the model in this build (Uvm.Model).</summary>
    public static StepCatalogue Model { get; } = Of(typeof(Kernel).Assembly);

    /// <summary>Every label and template, in catalogue order.</summary>
    public IReadOnlyList<StepLabel> All { get; }

    private StepCatalogue(IReadOnlyList<StepLabel> all) => All = all;

    /// <summary>Every complete label (no run-time part), with its declaring type.</summary>
    public IReadOnlyList<StepLabel> Labels() => [.. All.Where(l => !l.IsTemplate)];

    /// <summary>Labels with a part only known at run time, as templates with <c>{holes}</c>.</summary>
    public IReadOnlyList<StepLabel> Templates() => [.. All.Where(l => l.IsTemplate)];

    /// <summary>The distinct label texts (what a schedule records as a step's function).</summary>
    public IReadOnlySet<string> LabelTexts() => All.Where(l => !l.IsTemplate).Select(l => l.Label).ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads the catalogue of the kernel paths in <paramref name="model"/>.</summary>
    public static StepCatalogue Of(Assembly model)
    {
        var scans = ScanAll(model);
        var callers = scans.SelectMany(s => s.Scan.Calls.Select(c => (Call: c, s.Site)))
            .ToLookup(c => Key(c.Call.Callee));
        var returns = scans.ToDictionary(s => Key(s.Scan.Method), s => (s.Scan.Returns, s.Site));
        var found = new List<(Site Site, int Offset, StepLabel Label)>();
        foreach (var (scan, site) in scans)
            foreach (var step in scan.Steps)
                foreach (var alt in step.Label.Alternatives)
                    foreach (var (pattern, at, offset) in Expand(alt, site, step.Offset, MaxDepth, callers, returns))
                        found.Add((at, offset, new StepLabel(at.Type.Name, at.Member, step.Kind, string.Concat(pattern.Select(s => s.Text)), pattern.Any(s => s is not Literal))));
        var ordered = found.OrderBy(f => f.Site.Type.Name, StringComparer.Ordinal).ThenBy(f => f.Site.Type.FullName, StringComparer.Ordinal)
            .ThenBy(f => f.Site.MemberToken).ThenBy(f => f.Site.SubToken).ThenBy(f => f.Offset)
            .Select(f => f.Label).DistinctBy(l => l.Key);
        return new StepCatalogue([.. ordered]);
    }

    /// <summary>Where a method's labels are declared: the source type and member (not the compiler's state machine or closure).</summary>
    private sealed record Site(Type Type, string Member, int MemberToken, int SubToken);

    private static (long, int) Key(MethodBase m) => (m.Module.ModuleVersionId.GetHashCode(), m.MetadataToken);

    private static IEnumerable<(ImmutableArray<Segment> Pattern, Site Site, int Offset)> Expand(
        ImmutableArray<Segment> pattern, Site site, int offset, int depth,
        ILookup<(long, int), (CallSite Call, Site Site)> callers, Dictionary<(long, int), (IReadOnlyList<LabelValue> Returns, Site Site)> returns)
    {
        if (depth > 0 && pattern is [ParameterHole p] && callers[Key(p.Method)].ToList() is { Count: > 0 } calls)
        {
            foreach (var (call, at) in calls)
                foreach (var alt in call.Arguments[p.Position].Alternatives)
                    foreach (var r in Expand(alt, at, call.Offset, depth - 1, callers, returns)) yield return r;
            yield break;
        }
        if (depth > 0 && SharedMethod(pattern) is { } m && callers[Key(m)].ToList() is { Count: > 0 } joint)
        {
            foreach (var (call, at) in joint)
                foreach (var filled in Fill(pattern, call))
                    foreach (var r in Expand(filled, at, call.Offset, depth - 1, callers, returns)) yield return r;
            yield break;
        }
        if (depth > 0 && pattern is [ReturnHole h] && returns.TryGetValue(Key(h.Method), out var rs) && rs.Returns.Count > 0)
        {
            foreach (var value in rs.Returns)
                foreach (var alt in value.Alternatives)
                    foreach (var r in Expand(alt, rs.Site, 0, depth - 1, callers, returns)) yield return r;
            yield break;
        }
        if (depth == 0 || pattern.All(s => s is Literal))
        {
            yield return (pattern, site, offset);
            yield break;
        }
        IEnumerable<ImmutableArray<Segment>> product = [[]];
        foreach (var segment in pattern)
        {
            var options = segment is Literal ? [[segment]] : Expand([segment], site, offset, depth - 1, callers, returns).Select(r => r.Pattern).Distinct(SequenceComparer.Instance).ToList();
            product = product.SelectMany(a => options.Select(b => LabelValue.Join(a, b))).Take(LabelValue.MaxAlternatives).ToList();
        }
        foreach (var p2 in product) yield return (p2, site, offset);
    }

    /// <summary>
    /// The method whose parameters are all the holes of <paramref name="pattern"/>, when there are
    /// two or more and nothing else is a hole (<c>Locks.Take</c>'s <c>"{function}: {what}"</c>):
    /// one call fills them all, so they are filled call by call, never one call's value beside
    /// another's.
    /// </summary>
    private static MethodBase? SharedMethod(ImmutableArray<Segment> pattern)
    {
        var holes = pattern.Where(s => s is not Literal).ToList();
        return holes.Count >= 2 && holes.All(s => s is ParameterHole) && holes.Cast<ParameterHole>().Select(p => p.Method).Distinct().ToList() is [var m] ? m : null;
    }

    /// <summary><paramref name="pattern"/> with each parameter hole replaced by what <paramref name="call"/> passes.</summary>
    private static IEnumerable<ImmutableArray<Segment>> Fill(ImmutableArray<Segment> pattern, CallSite call)
    {
        IEnumerable<ImmutableArray<Segment>> filled = [[]];
        foreach (var segment in pattern)
        {
            var options = segment is ParameterHole p ? call.Arguments[p.Position].Alternatives : [[segment]];
            filled = filled.SelectMany(a => options.Select(b => LabelValue.Join(a, b))).Take(LabelValue.MaxAlternatives).ToList();
        }
        return filled;
    }

    private static List<(MethodScan Scan, Site Site)> ScanAll(Assembly model)
    {
        var types = model.GetTypes();
        var kickoffs = new Dictionary<Type, MethodInfo>();
        foreach (var t in types)
            foreach (var m in t.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance))
                if (m.GetCustomAttribute<StateMachineAttribute>() is { } sm) kickoffs[sm.StateMachineType] = m;
        var scans = new List<(MethodScan, Site)>();
        foreach (var t in types)
        {
            if (t == typeof(Step)) continue;
            var kickoff = kickoffs.GetValueOrDefault(t);
            const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
            foreach (var m in t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all)))
                if (IlMethodScanner.Scan(m, m.Name == "MoveNext" ? kickoff : null) is { } scan) scans.Add((scan, SiteOf(m, kickoff)));
        }
        return scans;
    }

    private static Site SiteOf(MethodBase m, MethodInfo? kickoff)
    {
        if (kickoff is not null) return new Site(SourceType(kickoff.DeclaringType!), kickoff.Name, kickoff.MetadataToken, 0);
        var type = SourceType(m.DeclaringType!);
        if (!m.Name.StartsWith('<')) return new Site(type, m.Name, m.MetadataToken, 0);
        var name = m.Name[1..m.Name.IndexOf('>')];     // <Wait4>b__3_0: a lambda or local function inside Wait4
        var owner = type.GetMember(name, BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance).FirstOrDefault();
        return new Site(type, name.Length > 0 ? name : m.Name, owner?.MetadataToken ?? int.MaxValue, m.MetadataToken);
    }

    private static Type SourceType(Type t)
    {
        while (t.DeclaringType is { } outer && (t.Name.StartsWith('<') || t.IsDefined(typeof(CompilerGeneratedAttribute)))) t = outer;
        return t;
    }

    private sealed class SequenceComparer : IEqualityComparer<ImmutableArray<Segment>>
    {
        public static SequenceComparer Instance { get; } = new();

        public bool Equals(ImmutableArray<Segment> x, ImmutableArray<Segment> y) => x.SequenceEqual(y);

        public int GetHashCode(ImmutableArray<Segment> obj) => obj.Aggregate(17, (h, s) => h * 31 + s.GetHashCode());
    }
}
