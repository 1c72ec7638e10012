using System.Reflection;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>
/// Loads invariants a team keeps in its own assembly (<c>--invariants their.dll</c>). A load that
/// fails, or a static getter that throws, is an <see cref="InputException"/>; an invariant or
/// liveness check that throws while the model runs becomes a violation of that property (its
/// name, and what it threw), never a crash or a kernel panic.
/// </summary>
public static class UserInvariantLoader
{
    /// <summary>The built-in catalogue plus the properties of each assembly in <paramref name="paths"/>.</summary>
    public static Catalogue Load(IEnumerable<string> paths)
    {
        var catalogue = Catalogue.BuiltIn;
        foreach (var p in paths) catalogue = Load(catalogue, p);
        return catalogue;
    }

    /// <summary><paramref name="catalogue"/> plus the properties of the assembly at <paramref name="path"/>.</summary>
    public static Catalogue Load(Catalogue catalogue, string path)
    {
        if (!File.Exists(path)) throw new InputException($"invariant assembly '{path}': no such file");
        Assembly assembly;
        try
        {
            assembly = Assembly.LoadFrom(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException or ArgumentException)
        {
            throw new InputException($"invariant assembly '{path}': cannot load it: {e.Message}");
        }
        return Load(catalogue, assembly, path);
    }

    /// <summary><paramref name="catalogue"/> plus the properties of <paramref name="assembly"/>, each guarded.</summary>
    public static Catalogue Load(Catalogue catalogue, Assembly assembly, string name)
    {
        Catalogue with;
        try
        {
            with = catalogue.With(assembly);
        }
        catch (Exception e) when (e is TargetInvocationException or TypeInitializationException or ReflectionTypeLoadException or TypeLoadException or FileNotFoundException)
        {
            var inner = e.InnerException ?? e;
            throw new InputException($"invariant assembly '{name}': reading its properties failed: {inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}");
        }
        return Guarded(catalogue, with);
    }

    /// <summary><paramref name="with"/>, where every property not in <paramref name="trusted"/> turns an exception into a violation.</summary>
    public static Catalogue Guarded(Catalogue trusted, Catalogue with) => new(
        [.. with.Invariants.Select(i => trusted.Invariants.Contains(i) ? i : i with { Check = Guard(i.Check) })],
        [.. with.Liveness.Select(l => trusted.Liveness.Contains(l) ? l : l with { Pending = Guard(l.Pending) })]);

    private static Func<Uvm.Model.IKernelView, string?> Guard(Func<Uvm.Model.IKernelView, string?> check) => k =>
    {
        try
        {
            return check(k);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"the property's own check threw {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
    };
}
