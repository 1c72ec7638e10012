using System.Diagnostics;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>
/// Headless Chromium for the page tests: Debian's <c>chromium</c> package, which .ci/run installs.
/// A test never installs it: where it is missing, the tests are skipped with a one-line reason.
/// Every run gets a fresh profile directory and no network-facing features.
/// </summary>
internal static class Chromium
{
    /// <summary>Where Debian's package puts the browser.</summary>
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Null when Chromium is there, else the one-line reason the tests cannot run.</summary>
    public static string? WhyUnavailable() =>
        File.Exists(Executable) ? null : $"{Executable} is missing (.ci/run installs it: apt-get install chromium)";

    /// <summary>The DOM of <paramref name="page"/> after its scripts ran.</summary>
    public static string DumpDom(string page) => Browse(page, "--dump-dom");

    /// <summary>Writes a PNG of <paramref name="page"/> as a window of the given size shows it.</summary>
    public static void Screenshot(string page, string png, int width, int height) =>
        Browse(page, $"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars");

    private static string Browse(string page, params string[] what)
    {
        var profile = Directory.CreateTempSubdirectory("uvm-chromium-");
        try
        {
            string[] args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", .. what, new Uri(Path.GetFullPath(page)).AbsoluteUri,
            ];
            var (ok, output) = Run(Executable, args, TimeSpan.FromSeconds(60), stdoutOnly: true);
            Assert.True(ok, $"chromium failed: {Last(output)}");
            return output;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { /* Chromium may still be closing files. */ }
        }
    }

    private static (bool Ok, string Output) Run(string file, IEnumerable<string> args, TimeSpan timeout, bool stdoutOnly = false)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (false, $"{file} did not finish within {timeout.TotalSeconds:F0} s");
        }
        p.WaitForExit();
        var output = stdoutOnly ? stdout.Result : stdout.Result + stderr.Result;
        return (p.ExitCode == 0, p.ExitCode == 0 ? output : output + stderr.Result);
    }

    private static string Last(string output) =>
        string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}

/// <summary>A fact that needs headless Chromium: skipped, with the reason, where it is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.WhyUnavailable() is { } why) Skip = why;
    }
}
