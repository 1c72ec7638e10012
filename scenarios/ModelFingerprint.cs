using System.Security.Cryptography;
using System.Text;
using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>
/// Identifies the model a schedule belongs to: a hash of the compiled model and property
/// assemblies' module ids (deterministic builds: same code, same id). A replay of a file with
/// another fingerprint still runs, but says the model changed.
/// </summary>
public static class ModelFingerprint
{
    /// <summary>The fingerprint of the model in this build.</summary>
    public static string Current { get; } = Compute();

    private static string Compute()
    {
        var ids = typeof(Kernel).Assembly.ManifestModule.ModuleVersionId + "/" + typeof(Invariant).Assembly.ManifestModule.ModuleVersionId;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids)))[..16];
    }
}
