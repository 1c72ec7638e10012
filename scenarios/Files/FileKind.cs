using System.Runtime.InteropServices;

namespace Uvm.Scenarios;

/// <summary>What a path names, as stat(2) says: what an output may be replaced by a rename, and what it must be written through.</summary>
public enum FileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file: safe to replace atomically.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A device, FIFO or socket (/dev/null, /dev/stdout's pipe): written through, never replaced.</summary>
    Special,
}

/// <summary>Reads a path's file type with statx(2) (Linux); elsewhere, only missing, directory and regular are told apart.</summary>
public static class FileKinds
{
    private const int AtFdCwd = -100, StatxType = 0x1, TypeMask = 0xF000, Regular = 0x8000, Dir = 0x4000;

    /// <summary>The kind of <paramref name="path"/>, following symlinks.</summary>
    public static FileKind Of(string path)
    {
        if (!File.Exists(path) && !System.IO.Directory.Exists(path)) return FileKind.Missing;
        if (!OperatingSystem.IsLinux()) return System.IO.Directory.Exists(path) ? FileKind.Directory : FileKind.Regular;
        var buffer = new byte[256];                       // struct statx; stx_mode is the u16 at offset 28 on every architecture
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return FileKind.Missing;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return System.IO.Directory.Exists(path) ? FileKind.Directory : FileKind.Regular;
        }
        return (BitConverter.ToUInt16(buffer, 28) & TypeMask) switch
        {
            Regular => FileKind.Regular,
            Dir => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
