using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>
/// A stable name for the current one of several content-addressed folders: <c>report/&lt;experiment&gt;</c> → the
/// report folder of the current plan, <c>report/&lt;experiment&gt;-&lt;hash&gt;</c>. A relative symbolic link, replaced
/// atomically (a new link renamed over the old), so a reader sees the old report or the new one, never neither.
/// </summary>
public static class CurrentLink
{
    /// <summary>The link named <paramref name="name"/> beside <paramref name="folder"/>.</summary>
    public static string PathOf(string folder, string name) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(folder))!, name);

    /// <summary>The folder the link points at, or null when there is no link.</summary>
    public static string? Target(string link)
    {
        var info = new DirectoryInfo(link);
        if (info.LinkTarget is not { } target) return null;
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(link)!, target));
    }

    /// <summary>Points the link at <paramref name="folder"/> (a sibling). A real folder of the link's name, left by an
    /// older version that wrote the report in place, is moved aside as a leftover (<c>.old-</c>) first.</summary>
    public static void Point(string link, string folder)
    {
        link = Path.GetFullPath(link);
        string target = Path.GetRelativePath(Path.GetDirectoryName(link)!, Path.GetFullPath(folder));
        if (Target(link) is { } current && current == Path.GetFullPath(folder)) return;
        if (Directory.Exists(link) && new DirectoryInfo(link).LinkTarget is null)
            Directory.Move(link, $"{link}.old-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        string temp = $"{link}.link-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        File.CreateSymbolicLink(temp, target);
        // rename(2) replaces the old link atomically and without following it (File.Move would want a file).
        if (Rename(temp, link) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            File.Delete(temp);
            throw new PipelineException($"cannot point {link} at {target}: rename failed (errno {errno})", link);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    static extern int Rename(string oldPath, string newPath);
}
