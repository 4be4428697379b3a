using System.Diagnostics;

namespace SaePipeline.PipelineTests;

/// <summary>
/// A copy of the repository's sources in a temp folder (what `git ls-files` lists, tracked or new, without bin/ and
/// obj/), for tests that edit the stages' code and rebuild: the repository itself is never touched.
/// </summary>
public sealed class RepoCopy : IDisposable
{
    readonly Dictionary<string, string> originals = [];

    RepoCopy(string dir) => Dir = dir;

    public string Dir { get; }

    public static RepoCopy Create()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sae-repo-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var file in SourceFiles(Workspace.RepoRoot))
        {
            string target = Path.Combine(dir, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Workspace.RepoRoot, file), target);
        }
        return new RepoCopy(dir);
    }

    static IEnumerable<string> SourceFiles(string repo)
    {
        var git = new ProcessStartInfo("git", ["-C", repo, "ls-files", "--cached", "--others", "--exclude-standard"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(git)!;
        var files = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git ls-files failed in {repo}: {process.StandardError.ReadToEnd()}");
        return files.Where(f => File.Exists(Path.Combine(repo, f)));   // listed but deleted in the working tree: not copied
    }

    /// <summary>Replaces the one occurrence of <paramref name="from"/> in a source file; <see cref="Revert"/> undoes every edit.</summary>
    public void Edit(string file, string from, string to)
    {
        string path = Path.Combine(Dir, file);
        string text = File.ReadAllText(path);
        int at = text.IndexOf(from, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(from, at + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException($"'{from}' does not occur exactly once in {file}");
        originals.TryAdd(file, text);
        File.WriteAllText(path, text[..at] + to + text[(at + from.Length)..]);
    }

    public void Revert()
    {
        foreach (var (file, text) in originals) File.WriteAllText(Path.Combine(Dir, file), text);
        originals.Clear();
    }

    /// <summary>sha256 of every assembly in the stage program's folder: ours (SaePipeline.*, stages) by file name.</summary>
    public Dictionary<string, string> ProgramAssemblies()
    {
        string bin = Path.Combine(Dir, "src", "Stages", "bin", "Release", "net10.0");
        return Directory.GetFiles(bin, "*.dll").Select(f => (Name: Path.GetFileName(f), Path: f))
            .Where(f => f.Name.StartsWith("SaePipeline.", StringComparison.Ordinal) || f.Name == "stages.dll")
            .ToDictionary(f => f.Name, f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f.Path))));
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
