using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>
/// <c>manifest.json</c>: written last into an artifact folder; a folder without a valid one does not exist.
/// It records what was made (files with sizes and hashes), from what (fingerprint, params, upstream items, the code)
/// and how it went (timings and stage-specific facts in <see cref="Info"/>).
/// </summary>
public sealed record Manifest
{
    public const string FileName = "manifest.json";

    /// <summary>2: the code is a <see cref="CodeIdentity"/> (1 had a single version string of the whole program).</summary>
    public int Format { get; init; } = 2;
    public required string Stage { get; init; }
    public required string Name { get; init; }
    public required string Id { get; init; }
    public required string Fingerprint { get; init; }
    public required JsonObject Params { get; init; }
    public required IReadOnlyList<UpstreamRef> Upstream { get; init; }
    /// <summary>The code that made it (null in manifests written before code identities, and by hand in tests).</summary>
    public CodeIdentity? Code { get; init; }
    public required DateTimeOffset StartedUtc { get; init; }
    public required double Seconds { get; init; }
    public required IReadOnlyList<ManifestFile> Files { get; init; }
    public JsonObject? Info { get; init; }

    /// <summary>
    /// Reads and checks a manifest: every listed file must exist with the recorded size (always; it is cheap), and,
    /// when <paramref name="verifyHashes"/> or the files total at most <paramref name="verifyHashesUpToBytes"/>, the
    /// recorded sha256. Problems name the file.
    /// </summary>
    public static Manifest Load(string dir, bool verifyHashes = false, long verifyHashesUpToBytes = -1)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
            throw new PipelineException($"{dir} is not a finished artifact (no {FileName}); rerun the build to produce it", dir);
        var manifest = Json.ReadFile<Manifest>(path);
        verifyHashes |= manifest.Files.Sum(f => f.Bytes) <= verifyHashesUpToBytes;
        if (manifest.Damage(dir) is { } damage)
            throw new PipelineException($"{damage.Path} {damage.Problem}: the file was deleted, truncated or modified; delete {dir} and rerun the build", damage.Path);
        if (verifyHashes)
            foreach (var file in manifest.Files)
            {
                string full = Path.Combine(dir, file.Path);
                if (Hashing.Sha256File(full) != file.Sha256)
                    throw new PipelineException($"{full} does not match the sha256 recorded in {path}; delete {dir} and rerun the build", full);
            }
        return manifest;
    }

    /// <summary>
    /// The first listed file that is missing or has another size than recorded, or null when all are there. Cheap (no
    /// hashing), so the plan checks every finished result with it and reruns one that no longer matches.
    /// </summary>
    public (string Path, string Problem)? Damage(string dir)
    {
        foreach (var file in Files)
        {
            string full = Path.Combine(dir, file.Path);
            if (!File.Exists(full)) return (full, $"is listed in {FileName} but missing");
            long size = new FileInfo(full).Length;
            if (size != file.Bytes) return (full, $"has {size} bytes but {FileName} records {file.Bytes}");
        }
        return null;
    }
}

public sealed record ManifestFile(string Path, long Bytes, string Sha256);

/// <summary>An item this one was made from: its stage, id and fingerprint at the time.</summary>
public sealed record UpstreamRef(string Role, string Stage, string Id, string Fingerprint);
