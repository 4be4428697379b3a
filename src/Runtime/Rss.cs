namespace SaePipeline.Runtime;

/// <summary>
/// Resident memory of this process from /proc/self/status (Linux): VmRSS now and VmHWM, the peak since start or since
/// the last <see cref="ResetPeak"/> (writing "5" to /proc/self/clear_refs resets it). Zero where /proc is absent.
/// </summary>
public static class Rss
{
    public static long Current() => Read("VmRSS:");

    public static long Peak() => Read("VmHWM:");

    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    static long Read(string key)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }
}
