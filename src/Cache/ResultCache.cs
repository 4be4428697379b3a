namespace SaePipeline.Cache;

/// <summary>
/// The shared result cache (<c>-p:Cache</c>): finished stage results stored by fingerprint, so that a second clone, a
/// colleague or a cluster node that plans an item with the same fingerprint (same params, same inputs, same code)
/// fetches it instead of computing it, as Bazel's remote cache and DVC's remotes do. An entry is the folder
/// <c>v1/&lt;Stage&gt;/&lt;id&gt;/&lt;fingerprint&gt;/</c> with the item's files and its manifest.json. It exists once its
/// manifest does (a backend makes the manifest visible last), and every fetched file is checked against the manifest's
/// size and sha256 (<see cref="CachedResult"/>), so a partial or corrupted entry is never used.
/// </summary>
public abstract class ResultCache : IDisposable
{
    /// <summary>The layout version, the first folder of every key: a changed layout gets a new one beside the old.</summary>
    public const string Format = "v1";

    /// <summary>The cache as the user named it: a folder or <c>s3://bucket/prefix</c>.</summary>
    public abstract string Location { get; }

    /// <summary>A folder (on a shared filesystem, typically) or <c>s3://bucket[/prefix]</c>.</summary>
    public static ResultCache Open(string location) =>
        location.StartsWith("s3://", StringComparison.Ordinal) ? S3Cache.Connect(location) : new FolderCache(location);

    /// <summary>The key of one item's entry: <c>v1/&lt;Stage&gt;/&lt;id&gt;/&lt;fingerprint&gt;</c>.</summary>
    public static string Key(string stage, string id, string fingerprint) => $"{Format}/{stage}/{id}/{fingerprint}";

    /// <summary>Where an entry is, for messages.</summary>
    public string Describe(string key) => $"{Location.TrimEnd('/')}/{key}";

    /// <summary>The entry's manifest.json text, or null when the cache has no such entry.</summary>
    public abstract string? ReadManifest(string key);

    /// <summary>Whether the entry has any file at all: with no manifest, that is an upload cut short or still under way.</summary>
    public abstract bool HasFiles(string key);

    /// <summary>Copies one file of an entry to <paramref name="destination"/>; <see cref="FileNotFoundException"/> when the entry lacks it.</summary>
    public abstract void Download(string key, string file, string destination);

    /// <summary>
    /// Stores a finished result folder as the entry <paramref name="key"/>: its <paramref name="files"/>, then its
    /// manifest.json, so that no reader ever sees an entry without all of them. An entry already there (another
    /// publisher was first) is kept and false returned, unless <paramref name="replace"/> (a damaged one).
    /// </summary>
    public abstract bool Publish(string key, string sourceDir, IReadOnlyList<string> files, bool replace);

    public virtual void Dispose() { }
}
