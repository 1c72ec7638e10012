namespace Uvm.Scenarios;

/// <summary>
/// Where the checker writes a report or a counterexample: checked before any exploration, and
/// written so that a reader never sees half a file. A regular file (or a missing one) is written
/// to a temporary file beside it and renamed over it; a symlink is resolved first, so the link
/// stays; a device, FIFO or /dev/stdout is written through, never replaced by a regular file.
/// </summary>
public static class OutputFile
{
    /// <summary>Fails with one line naming <paramref name="flag"/> when <paramref name="path"/> cannot be written.</summary>
    public static void Check(string path, string flag)
    {
        try
        {
            switch (FileKinds.Of(path))
            {
                case FileKind.Directory:
                    throw new InputException($"{flag}: '{path}' is a directory; give a file name");
                case FileKind.Regular:
                    using (new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { }
                    break;
                case FileKind.Missing:
                    var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
                    Directory.CreateDirectory(dir);
                    var probe = Path.Combine(dir, $".uvmcheck-probe-{Guid.NewGuid():N}");
                    File.WriteAllText(probe, "");
                    File.Delete(probe);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"{flag}: cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>: atomically over a regular file, through anything else.</summary>
    public static void Write(string path, string text)
    {
        var target = Resolve(path);
        switch (FileKinds.Of(target))
        {
            case FileKind.Special:
                using (var through = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                using (var writer = new StreamWriter(through, new System.Text.UTF8Encoding(false)))
                    writer.Write(text);
                return;
            case FileKind.Directory:
                throw new IOException($"'{path}' is a directory");
            default:
                WriteAtomically(target, text);
                return;
        }
    }

    /// <summary>The final target of a symlink that points at a regular file or nowhere; the path itself otherwise.</summary>
    private static string Resolve(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return path;
        if (FileKinds.Of(path) == FileKind.Special) return path;      // /dev/stdout -> /proc/self/fd/1 -> a pipe: write through the link
        var final = info.ResolveLinkTarget(returnFinalTarget: true);
        return final?.FullName ?? path;
    }

    private static void WriteAtomically(string path, string text)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
