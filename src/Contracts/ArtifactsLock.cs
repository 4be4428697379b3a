using System.Diagnostics;
using System.Text.Json;

namespace SaePipeline.Contracts;

/// <summary>
/// One build per artifacts root at a time. Two builds of the same root would both run every item and write the same
/// result folders; with this lock the second waits for the first (or fails with <c>-p:Wait=false</c>), then finds
/// the results done.
/// The lock is an OS file lock on <c>.build/lock</c> (flock on Linux and macOS, a share-none handle on Windows), which
/// the kernel releases when its process ends however it ends: a lock left by a killed build is simply free, and the
/// next build takes it over and says so. Who holds it is written beside it in <c>.build/lock.holder</c> (a locked file
/// cannot be read by others), for the waiting message.
/// </summary>
public sealed class ArtifactsLock : IDisposable
{
    readonly FileStream handle;

    ArtifactsLock(FileStream handle, string holderFile)
    {
        this.handle = handle;
        HolderFile = holderFile;
    }

    public string HolderFile { get; }

    public static string LockFile(string root) => Path.Combine(root, ".build", "lock");

    /// <summary>Who holds, or last held, the lock: written by the holder when it takes the lock.</summary>
    public sealed record Holder(int Pid, string Host, DateTimeOffset Since, string What)
    {
        public override string ToString() => $"pid {Pid} on {Host}, since {Since.ToLocalTime():yyyy-MM-dd HH:mm:ss}: {What}";
    }

    /// <summary>
    /// Takes the lock, or returns null with the current holder (as far as it is known) when another process has it.
    /// <paramref name="tookOver"/> is the holder a previous process left behind without releasing (it was killed).
    /// </summary>
    public static ArtifactsLock? TryAcquire(string root, string what, out Holder? current, out Holder? tookOver)
    {
        string lockFile = LockFile(root), holderFile = lockFile + ".holder";
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        tookOver = null;
        FileStream handle;
        try
        {
            handle = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            current = ReadHolder(holderFile);
            return null;
        }
        current = null;
        // Released by a process that finished normally, the holder file is gone; one still there was left by a kill.
        if (ReadHolder(holderFile) is { } left && left.Pid != Environment.ProcessId) tookOver = left;
        var me = new Holder(Environment.ProcessId, Environment.MachineName, DateTimeOffset.Now, what);
        string temp = $"{holderFile}.tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, JsonSerializer.Serialize(me));
        File.Move(temp, holderFile, overwrite: true);
        return new ArtifactsLock(handle, holderFile);
    }

    /// <summary>
    /// Takes the lock; when another build holds it, either waits (saying so once, and how long it waited) or, with
    /// <paramref name="wait"/> false, returns null after <paramref name="say"/> was told who holds it.
    /// </summary>
    public static ArtifactsLock? Acquire(string root, string what, bool wait, Action<string> say, Func<bool> cancelled, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            var taken = TryAcquire(root, what, out var current, out var tookOver);
            if (taken is not null)
            {
                if (tookOver is not null)
                    say($"{root}: took over the lock of a build that did not release it ({tookOver}); it was killed or crashed, and its unfinished items run again");
                if (told) say($"{root}: the other build finished; going on after waiting {clock.Elapsed.TotalSeconds:F0} s");
                return taken;
            }
            string who = current?.ToString() ?? "a process that has not said who it is yet";
            if (!wait)
            {
                say($"{root} is in use by another build ({who}); wait for it to finish, or build without -p:Wait=false to wait for it");
                return null;
            }
            if (!told)
            {
                say($"{root} is in use by another build ({who}); waiting for it to finish (Ctrl+C to stop; -p:Wait=false fails instead)");
                told = true;
            }
            if (cancelled()) return null;
            Thread.Sleep(poll ?? TimeSpan.FromSeconds(1));
        }
    }

    static Holder? ReadHolder(string holderFile)
    {
        try
        {
            return File.Exists(holderFile) ? JsonSerializer.Deserialize<Holder>(File.ReadAllText(holderFile)) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;   // being rewritten this instant, or damaged: the holder is unknown, the lock still decides
        }
    }

    /// <summary>Releases the lock: the holder file goes first, so a holder file without a live lock means a kill.</summary>
    public void Dispose()
    {
        try { File.Delete(HolderFile); } catch (IOException) { }
        handle.Dispose();
    }
}
