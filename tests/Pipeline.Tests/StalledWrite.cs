using System.Runtime.InteropServices;

namespace SaePipeline.PipelineTests;

/// <summary>
/// A FIFO planted at the name a process will write next (its temp file), with a one-page pipe behind it: the writer's
/// open succeeds, its first page (4 KiB) goes through, and its write then blocks until the writer is killed. A test can
/// so kill a process at a known point inside a file write, which polling for the temp file cannot do when the write
/// takes well under a millisecond. Linux only (mkfifo, F_SETPIPE_SZ, FIONREAD; x86-64/arm64 constants), and the file
/// written must be larger than a page.
/// </summary>
public sealed class StalledWrite : IDisposable
{
    const int ReadOnlyNonBlocking = 0x800;   // O_RDONLY | O_NONBLOCK
    const int SetPipeSize = 1031;            // F_SETPIPE_SZ
    const nuint BytesReadable = 0x541B;      // FIONREAD
    const int AlreadyExists = 17;            // EEXIST

    readonly int fd;

    StalledWrite(string path, int fd, int capacity)
    {
        Path = path;
        this.fd = fd;
        Capacity = capacity;
    }

    public string Path { get; }

    /// <summary>The pipe's size, what a writer gets through before it blocks: one page.</summary>
    public int Capacity { get; }

    /// <summary>Plants the FIFO at <paramref name="path"/>, or returns null if a file of that name exists (the process is writing it just now: try again).</summary>
    public static StalledWrite? TryPlant(string path)
    {
        if (MakeFifo(path, Convert.ToUInt32("600", 8)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == AlreadyExists ? null : throw new IOException($"mkfifo {path} failed (errno {errno})");
        }
        // The read end is opened first, without waiting for a writer, so the writer's open does not block (only its
        // writes do); the pipe is then shrunk to one page, far below a file of tens of KiB.
        int fd = Open(path, ReadOnlyNonBlocking);
        if (fd < 0) throw new IOException($"cannot open the FIFO {path} (errno {Marshal.GetLastPInvokeError()})");
        int capacity = Fcntl(fd, SetPipeSize, 4096);
        if (capacity < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Close(fd);
            throw new IOException($"cannot shrink the FIFO {path}'s pipe (errno {errno})");
        }
        return new StalledWrite(path, fd, capacity);
    }

    /// <summary>Bytes written and not yet read: more than none means the writer has opened the file and is blocked writing the rest.</summary>
    public int Pending => Ioctl(fd, BytesReadable, out int n) == 0 ? n : throw new IOException($"FIONREAD failed (errno {Marshal.GetLastPInvokeError()})");

    /// <summary>What the writer wrote; call it once the writer is dead, when the pipe ends after the written bytes.</summary>
    public byte[] ReadWritten()
    {
        var written = new MemoryStream();
        var buffer = new byte[65536];
        for (nint n; (n = Read(fd, buffer, buffer.Length)) > 0;) written.Write(buffer, 0, (int)n);
        return written.ToArray();
    }

    public void Dispose() => Close(fd);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    static extern int MakeFifo(string path, uint mode);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    static extern int Ioctl(int fd, nuint request, out int value);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    static extern int Close(int fd);
}
