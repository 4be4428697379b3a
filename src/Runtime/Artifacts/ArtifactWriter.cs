using System.Diagnostics;
using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>
/// Writes an artifact folder atomically: everything goes into <c>&lt;dir&gt;.tmp-&lt;pid&gt;-&lt;random&gt;</c>, the manifest is
/// written last, and the folder is renamed into place. A kill at any moment leaves either the previous folder or no
/// folder, never a half-written one that looks finished; leftovers of dead processes are removed by the next writer.
/// </summary>
public sealed class ArtifactWriter : IDisposable
{
    readonly string finalDir;
    readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    readonly Stopwatch clock = Stopwatch.StartNew();
    bool committed;

    ArtifactWriter(string finalDir, string dir)
    {
        this.finalDir = finalDir;
        Dir = dir;
    }

    /// <summary>The temporary folder to write into.</summary>
    public string Dir { get; }

    public TimeSpan Elapsed => clock.Elapsed;

    public static ArtifactWriter Begin(string finalDir)
    {
        finalDir = Path.GetFullPath(finalDir);
        string parent = Path.GetDirectoryName(finalDir)!;
        Directory.CreateDirectory(parent);
        RemoveLeftovers(finalDir);
        string dir = $"{finalDir}.tmp-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        Directory.CreateDirectory(dir);
        return new ArtifactWriter(finalDir, dir);
    }

    /// <summary>Hashes every file written, writes manifest.json last, then swaps the folder into place.</summary>
    public Manifest Commit(StageSpec spec, JsonObject? info = null)
    {
        var files = Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Dir, f).Replace('\\', '/'))
            .Where(f => f != Manifest.FileName)
            .Order(StringComparer.Ordinal)
            .Select(f => new ManifestFile(f, new FileInfo(Path.Combine(Dir, f)).Length, Hashing.Sha256File(Path.Combine(Dir, f))))
            .ToList();
        var manifest = new Manifest
        {
            Stage = spec.Stage,
            Name = spec.Name,
            Id = spec.Id,
            Fingerprint = spec.Fingerprint,
            Params = spec.Params,
            Upstream = spec.Inputs.Select(kv => new UpstreamRef(kv.Key, kv.Value.Stage, kv.Value.Id, kv.Value.Fingerprint)).ToList(),
            Code = spec.Code,
            StartedUtc = started,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            Files = files,
            Info = info,
        };
        AtomicFile.WriteAllText(Path.Combine(Dir, Manifest.FileName), Json.Serialize(manifest));
        Swap();
        committed = true;
        return manifest;
    }

    /// <summary>
    /// Swaps in a folder whose files and manifest.json were copied in whole from elsewhere (the shared result cache)
    /// and checked against that manifest: the result is the one that was made there, timings included.
    /// </summary>
    public void CommitAsIs()
    {
        if (!File.Exists(Path.Combine(Dir, Manifest.FileName)))
            throw new InvalidOperationException($"{Dir} has no {Manifest.FileName} to commit");
        Swap();
        committed = true;
    }

    void Swap()
    {
        string? old = null;
        if (Directory.Exists(finalDir))
        {
            old = $"{finalDir}.old-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
            Directory.Move(finalDir, old);
        }
        Directory.Move(Dir, finalDir);
        if (old is not null) Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// The last folder this process gave up before committing, and how much it had written: what a "no space left on
    /// device" error reports after the half-written folder is gone (<see cref="DiskFull"/>).
    /// </summary>
    public static (string FinalDir, long Bytes)? LastAbandoned { get; private set; }

    public void Dispose()
    {
        if (committed || !Directory.Exists(Dir)) return;
        long written = Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        LastAbandoned = (finalDir, written);
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>Deletes temp and old siblings whose writing process is gone (killed builds).</summary>
    static void RemoveLeftovers(string finalDir)
    {
        string parent = Path.GetDirectoryName(finalDir)!, name = Path.GetFileName(finalDir);
        foreach (var dir in Directory.EnumerateDirectories(parent))
        {
            string candidate = Path.GetFileName(dir);
            if (!candidate.StartsWith(name + ".", StringComparison.Ordinal)) continue;
            string suffix = candidate[(name.Length + 1)..];
            var parts = suffix.Split('-');
            if (parts.Length != 3 || parts[0] is not ("tmp" or "old") || !int.TryParse(parts[1], out int pid)) continue;
            if (pid != Environment.ProcessId && IsAlive(pid)) continue;
            Directory.Delete(dir, recursive: true);
        }
    }

    static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
