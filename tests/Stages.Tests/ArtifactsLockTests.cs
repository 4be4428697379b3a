using System.Diagnostics;
using SaePipeline.Contracts;

namespace SaePipeline.Tests;

/// <summary>
/// One build per artifacts root (issue 19: two builds at once both ran every item and wrote the same folders). The
/// lock is an OS file lock, so it is tested across processes: `flock(1)` takes the same kind of lock .NET takes.
/// </summary>
public sealed class ArtifactsLockTests
{
    [Fact]
    public void ASecondHolderIsRefusedAndToldWhoHoldsIt()
    {
        using var dir = new TempDir();
        using var first = ArtifactsLock.TryAcquire(dir.Path, "build A", out _, out var tookOver);
        Assert.NotNull(first);
        Assert.Null(tookOver);

        var said = new List<string>();
        var second = ArtifactsLock.Acquire(dir.Path, "build B", wait: false, said.Add, () => false);
        Assert.Null(second);
        string line = Assert.Single(said);
        Assert.Contains($"is in use by another build (pid {Environment.ProcessId} on {Environment.MachineName}, since ", line);
        Assert.Contains("build A", line);
    }

    [Fact]
    public async Task AWaitingBuildGoesOnWhenTheHolderReleases()
    {
        using var dir = new TempDir();
        var first = ArtifactsLock.TryAcquire(dir.Path, "build A", out _, out _)!;
        var said = new List<string>();
        var release = Task.Run(async () => { await Task.Delay(300); first.Dispose(); });
        using var second = ArtifactsLock.Acquire(dir.Path, "build B", wait: true, s => { lock (said) said.Add(s); }, () => false, TimeSpan.FromMilliseconds(20));
        await release;
        Assert.NotNull(second);
        Assert.Equal(2, said.Count);
        Assert.Contains("waiting for it to finish", said[0]);
        Assert.Contains("the other build finished", said[1]);
        Assert.DoesNotContain(said, s => s.Contains("took over"));   // a released lock leaves no holder behind
    }

    [Fact]
    public void ALockHeldByAnotherProcessBlocksUntilItEndsAndOneLeftByAKilledProcessIsTakenOver()
    {
        Assert.True(File.Exists("/usr/bin/flock"), "this test needs util-linux's flock(1)");
        using var dir = new TempDir();
        string lockFile = ArtifactsLock.LockFile(dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        // Another process holds the lock, as a build would; then it is killed and its holder file stays behind.
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["--exclusive", "--close", lockFile, "sleep", "30"]) { UseShellExecute = false })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (ArtifactsLock.TryAcquire(dir.Path, "probe", out _, out _) is { } probe && DateTime.UtcNow < deadline)
            {
                probe.Dispose();   // flock(1) has not taken it yet
                Thread.Sleep(20);
            }
            Assert.Null(ArtifactsLock.TryAcquire(dir.Path, "build B", out _, out _));
            File.WriteAllText(lockFile + ".holder", $$"""{"Pid":{{holder.Id}},"Host":"{{Environment.MachineName}}","Since":"2026-01-01T00:00:00+00:00","What":"build A"}""");
            holder.Kill();   // kill -9: nothing of the holder runs to release it
            holder.WaitForExit();

            var said = new List<string>();
            using var taken = ArtifactsLock.Acquire(dir.Path, "build B", wait: true, said.Add, () => false, TimeSpan.FromMilliseconds(20));
            Assert.NotNull(taken);
            Assert.Contains(said, s => s.Contains($"took over the lock of a build that did not release it (pid {holder.Id}") && s.Contains("build A"));
        }
        finally
        {
            if (!holder.HasExited) holder.Kill();
        }
    }
}
