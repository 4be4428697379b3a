namespace SaePipeline.Runtime;

/// <summary>File writes that a kill can interrupt without leaving a half-written file behind.</summary>
public static class AtomicFile
{
    /// <summary>Writes to a temporary sibling, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string tmp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Writes only when the content differs, so the file's timestamp moves only when its content does: the MSBuild
    /// targets use spec files as Inputs, and an unchanged spec must not make its stage look stale.
    /// </summary>
    /// <returns>true when the file was (re)written.</returns>
    public static bool WriteIfChanged(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text) return false;
        WriteAllText(path, text);
        return true;
    }
}
