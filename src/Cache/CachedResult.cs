using System.Diagnostics;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Cache;

/// <summary>
/// Moves one item's result between the artifacts root and the shared cache. A fetch checks the entry's manifest
/// against the item (stage, id, fingerprint) and every file against the manifest's size and sha256 while copying into
/// a temporary folder, which replaces the item's folder only once all of it checked out (<see cref="ArtifactWriter"/>).
/// A cache that cannot be reached, or an entry that fails a check, costs a warning and the item is computed here: the
/// cache can make a build faster, never wrong and never fail.
/// </summary>
public static class CachedResult
{
    /// <summary>What a fetch found: the result (null when it was not used) and whether the entry was damaged.</summary>
    public sealed record Fetch(Manifest? Manifest, bool Damaged, long Bytes, TimeSpan Elapsed);

    public static Fetch TryFetch(ResultCache cache, StageSpec spec, string root, Action<string> warn)
    {
        var clock = Stopwatch.StartNew();
        string key = ResultCache.Key(spec.Stage, spec.Id, spec.Fingerprint), entry = cache.Describe(key);
        Fetch Miss() => new(null, false, 0, clock.Elapsed);
        Fetch Damaged(string problem)
        {
            warn($"{entry}: warning SAE6001: this cache entry is damaged ({problem}); not using it: {spec.Stage} {spec.Id} runs here, and its result replaces the entry");
            return new Fetch(null, true, 0, clock.Elapsed);
        }
        Fetch Unreachable(Exception e)
        {
            warn($"{cache.Location}: warning SAE6002: cannot read the cache ({Reason(e)}); {spec.Stage} {spec.Id} runs here");
            return Miss();
        }

        string? text;
        bool partial;
        try
        {
            text = cache.ReadManifest(key);
            partial = text is null && cache.HasFiles(key);
        }
        catch (Exception e) when (IsCacheProblem(e))
        {
            return Unreachable(e);
        }
        // Files without their manifest: a publisher cut short (or, on S3, one still uploading: it then wins or loses to
        // this item's own publish with the same bytes). Not used; the item's result replaces it.
        if (partial) return Damaged($"it has files but no {Manifest.FileName}: an upload cut short, or one still under way");
        if (text is null) return Miss();

        Manifest manifest;
        try
        {
            manifest = Json.Deserialize<Manifest>(text, entry);
        }
        catch (Exception e) when (e is PipelineException or System.Text.Json.JsonException)
        {
            return Damaged($"its {Manifest.FileName} does not parse: {e.Message}");
        }
        if (manifest.Stage != spec.Stage || manifest.Id != spec.Id || manifest.Fingerprint != spec.Fingerprint)
            return Damaged($"its {Manifest.FileName} is of {manifest.Stage} {manifest.Id} with fingerprint {manifest.Fingerprint}");
        if (manifest.Files.FirstOrDefault(f => !IsInside(f.Path)) is { } outside)
            return Damaged($"its {Manifest.FileName} lists '{outside.Path}', which is not a path inside the entry");

        using var writer = ArtifactWriter.Begin(Path.Combine(root, spec.Output));
        long bytes = 0;
        foreach (var file in manifest.Files)
        {
            string target = Path.Combine(writer.Dir, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                cache.Download(key, file.Path, target);
            }
            catch (FileNotFoundException)
            {
                return Damaged($"{file.Path} is listed in its {Manifest.FileName} but missing");
            }
            catch (Exception e) when (IsCacheProblem(e))
            {
                return Unreachable(e);
            }
            long size = new FileInfo(target).Length;
            if (size != file.Bytes) return Damaged($"{file.Path} has {size} bytes, its {Manifest.FileName} records {file.Bytes}");
            if (Hashing.Sha256File(target) != file.Sha256) return Damaged($"{file.Path} does not match the sha256 its {Manifest.FileName} records");
            bytes += size;
        }
        File.WriteAllText(Path.Combine(writer.Dir, Manifest.FileName), text);
        writer.CommitAsIs();
        return new Fetch(manifest, false, bytes, clock.Elapsed);
    }

    /// <summary>
    /// Publishes a finished result folder as its item's entry; an entry already there is kept (same fingerprint: the
    /// same result), a damaged one replaced. Returns whether this call stored it; a cache that cannot be written costs a
    /// warning, not the result.
    /// </summary>
    public static bool Publish(ResultCache cache, string dir, bool replaceDamaged, Action<string> warn)
    {
        var manifest = Manifest.Load(dir);
        string key = ResultCache.Key(manifest.Stage, manifest.Id, manifest.Fingerprint);
        try
        {
            return cache.Publish(key, dir, manifest.Files.Select(f => f.Path).ToList(), replaceDamaged);
        }
        catch (Exception e) when (IsCacheProblem(e))
        {
            warn($"{cache.Location}: warning SAE6003: cannot publish {manifest.Stage} {manifest.Id} to the cache ({Reason(e)}); the result is kept here");
            return false;
        }
    }

    /// <summary>A manifest path that stays inside its entry: relative, no "..", as <see cref="ArtifactWriter"/> writes them.</summary>
    static bool IsInside(string? path) =>
        path is { Length: > 0 } && !Path.IsPathRooted(path) && !path.Contains('\\') && path.Split('/').All(part => part is not ("" or "." or ".."));

    /// <summary>Problems of the cache's storage or network, as opposed to bugs: they make the cache unusable, not the build.</summary>
    static bool IsCacheProblem(Exception e) =>
        e is IOException or UnauthorizedAccessException or HttpRequestException or Amazon.Runtime.AmazonServiceException
            or Amazon.Runtime.AmazonClientException or TaskCanceledException or System.Net.Sockets.SocketException;

    static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null && inner.Message.Length < 8) inner = inner.InnerException;
        return OneLine(inner.Message);
    }

    /// <summary>One line: messages from the network stack may hold newlines.</summary>
    static string OneLine(string message) => string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
