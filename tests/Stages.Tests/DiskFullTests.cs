using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Tests;

/// <summary>
/// A full disk is the user's to fix, not a bug (issue 19 saw "SAE9999 internal error … No space left on device").
/// Linux's /dev/full fails every write with ENOSPC, the same error a full file system gives, so the real exception is
/// what is classified here.
/// </summary>
public sealed class DiskFullTests
{
    static IOException RealEnospc()
    {
        Assert.True(File.Exists("/dev/full"), "this test needs Linux's /dev/full");
        return Assert.ThrowsAny<IOException>(() =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            full.Write(new byte[1 << 16]);
            full.Flush();
        });
    }

    [Fact]
    public void TheErrorAStageGetsIsNamedWithTheFolderAndWhatTheItemHadWritten()
    {
        using var dir = new TempDir();
        string final = Path.Combine(dir.Path, "saes", "a-12345678");
        Exception thrown;
        try
        {
            using var writer = ArtifactWriter.Begin(final);
            File.WriteAllBytes(Path.Combine(writer.Dir, "sae_weights.safetensors"), new byte[3 << 20]);
            // A writer task's failure reaches the stage wrapped, as Prefetch and the shard writers deliver it.
            throw new AggregateException(RealEnospc());
        }
        catch (AggregateException e)
        {
            thrown = e;
        }

        var full = DiskFull.Find(thrown);
        Assert.NotNull(full);
        var explained = DiskFull.Explain(full, dir.Path);
        Assert.Equal("SAE5001", explained.Code);
        Assert.Equal(final, explained.Origin);
        Assert.Contains($"no space left on the device that holds {final}", explained.Message);
        Assert.Contains("this item had written 3.0 MiB when it stopped, and that was removed", explained.Message);
        Assert.Matches(@"\([\d.]+ (MiB|GiB) free now\)", explained.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(final)!));   // nothing half-written is left
    }

    [Fact]
    public void OtherIoErrorsAreNotMistakenForAFullDisk()
    {
        var missing = Assert.ThrowsAny<IOException>(() => File.ReadAllBytes("/nonexistent-folder/x"));
        Assert.Null(DiskFull.Find(missing));
        Assert.Null(DiskFull.Find(new InvalidOperationException("x", new IOException("disk on fire"))));
        Assert.NotNull(DiskFull.Find(new InvalidOperationException("x", RealEnospc())));
    }
}
