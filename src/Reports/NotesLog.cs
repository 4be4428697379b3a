using System.Text;

namespace SaePipeline.Reports;

/// <summary>
/// notes.txt, the experiment log: one entry per build that changed results. Entries are appended, never rewritten.
/// Each carries a key naming the report transition it records, so a Report rerun after a kill between appending
/// and committing does not append the same entry twice.
/// </summary>
public static class NotesLog
{
    public static bool Append(string path, string key, string entry)
    {
        string marker = $"<!-- entry {key} -->";
        if (File.Exists(path) && File.ReadLines(path).Any(l => l == marker)) return false;
        var text = new StringBuilder();
        if (File.Exists(path) && new FileInfo(path).Length > 0) text.Append('\n');
        text.Append(entry.TrimEnd()).Append('\n').Append(marker).Append('\n');
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream);
        writer.Write(text.ToString());
        writer.Flush();
        stream.Flush(flushToDisk: true);
        return true;
    }
}
