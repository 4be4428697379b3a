using SaePipeline.Artifacts;

namespace SaePipeline.Runtime;

/// <summary>
/// "No space left on device" is the user's to fix, not a bug: this names the folder whose file system is full, how
/// much space it has now and how much the item had written when it stopped (the half-written item is discarded).
/// </summary>
public static class DiskFull
{
    const int Enospc = 28;                                        // the errno, which .NET on Linux and macOS puts in HResult
    const int ErrorDiskFull = unchecked((int)0x80070070), ErrorHandleDiskFull = unchecked((int)0x80070027);   // Windows

    /// <summary>The "no space left" error in <paramref name="e"/> or its inner exceptions (a writer task's, say), or null.</summary>
    public static IOException? Find(Exception? e) => e switch
    {
        null => null,
        IOException io when io.HResult is Enospc or ErrorDiskFull or ErrorHandleDiskFull => io,
        AggregateException all => all.InnerExceptions.Select(Find).FirstOrDefault(x => x is not null),
        _ => Find(e.InnerException),
    };

    /// <summary>The error to show for <paramref name="e"/> (found by <see cref="Find"/>).</summary>
    public static PipelineException Explain(IOException e, string fallbackFolder)
    {
        var abandoned = ArtifactWriter.LastAbandoned;
        string folder = abandoned?.FinalDir ?? fallbackFolder;
        string written = abandoned is { } a ? $"; this item had written {MemoryText(a.Bytes)} when it stopped, and that was removed" : "";
        return new PipelineException(
            $"no space left on the device that holds {folder} ({MemoryText(FreeBytes(folder))} free now){written}. " +
            "Free some space (dotnet build -t:Prune removes results the plan no longer uses) or point -p:Artifacts at a larger disk, then build again; finished results are untouched",
            folder, e) { Code = "SAE5001" };
    }

    static long FreeBytes(string folder)
    {
        string? existing = folder;
        while (existing is not null && !Directory.Exists(existing)) existing = Path.GetDirectoryName(existing);
        try
        {
            return existing is null ? 0 : new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (Exception x) when (x is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }

    static string MemoryText(long bytes) => bytes >= 1L << 30
        ? FormattableString.Invariant($"{bytes / (double)(1L << 30):F1} GiB")
        : FormattableString.Invariant($"{bytes / (double)(1L << 20):F1} MiB");
}
