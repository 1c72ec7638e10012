using System.Reflection;
using System.Reflection.Emit;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Tests.Properties;

namespace Uvm.Tests.Cli;

/// <summary>Issue 22, defect 8: a bug found by a user invariant replays; a throwing invariant or getter is reported, not a crash.</summary>
public sealed class UserInvariantTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-user-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ACounterexampleFoundByAUserInvariantReplaysAndExplainsWithoutFlags()
    {
        // 200 schedules: the default swapout workload swaps an LWP out within the first few.
        var (code, _, err) = InputHardeningTests.Run("run", "--invariants", typeof(UserInvariants).Assembly.Location, "--iterations", "200", "--no-shrink", "--out", _dir);
        var file = Assert.Single(Directory.GetFiles(_dir, "*.json"));

        var (replay, replayOut, replayErr) = InputHardeningTests.Run("replay", file);
        var (explain, explainOut, _) = InputHardeningTests.Run("explain", file);

        Assert.True(code == 1, err);
        Assert.Equal([typeof(UserInvariants).Assembly.Location], CounterexampleFile.Read(file).InvariantAssemblies);
        Assert.True(replay == 1, replayErr);
        Assert.Contains("invariant NoLwpIsEverSwappedOut", replayOut);
        Assert.Equal(0, explain);
        Assert.Contains("NoLwpIsEverSwappedOut violated", explainOut);
    }

    [Fact]
    public void AnInvariantThatThrowsBecomesAViolationNamingIt()
    {
        var throwing = new Invariant("NoLwpIsEverLooked", "Reading an LWP never throws.", "user", _ => throw new InvalidOperationException("lookup failed"));
        var catalogue = UserInvariantLoader.Guarded(Catalogue.BuiltIn, new Catalogue([.. Catalogue.BuiltIn.Invariants, throwing], Catalogue.BuiltIn.Liveness));
        var s = ScenarioCatalogue.Find("swapout")!;

        var found = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings { Iterations = 1 }) { Properties = catalogue });

        var v = found.Counterexample!.Violation;
        Assert.Equal("invariant NoLwpIsEverLooked", v.Id);
        Assert.Contains("threw InvalidOperationException: lookup failed", v.Message);
    }

    [Fact]
    public void AStaticGetterThatThrowsIsALoadErrorWithExitTwo()
    {
        var dll = Path.Combine(_dir, "BadInvariants.dll");
        WriteAssemblyWithAThrowingGetter(dll);

        var (code, output, err) = InputHardeningTests.Run("run", "--invariants", dll, "--iterations", "1", "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains("reading its properties failed: InvalidOperationException: boom", err);
        Assert.DoesNotContain("explored", output);
    }

    /// <summary>public static class Rules { public static Invariant Boom => throw new InvalidOperationException("boom"); }</summary>
    private static void WriteAssemblyWithAThrowingGetter(string path)
    {
        var ab = new PersistedAssemblyBuilder(new AssemblyName("BadInvariants"), typeof(object).Assembly);
        var tb = ab.DefineDynamicModule("BadInvariants").DefineType("BadInvariants.Rules", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
        var getter = tb.DefineMethod("get_Boom", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.SpecialName | MethodAttributes.HideBySig, typeof(Invariant), Type.EmptyTypes);
        var il = getter.GetILGenerator();
        il.Emit(OpCodes.Ldstr, "boom");
        il.Emit(OpCodes.Newobj, typeof(InvalidOperationException).GetConstructor([typeof(string)])!);
        il.Emit(OpCodes.Throw);
        tb.DefineProperty("Boom", PropertyAttributes.None, typeof(Invariant), null).SetGetMethod(getter);
        tb.CreateType();
        ab.Save(path);
    }
}
