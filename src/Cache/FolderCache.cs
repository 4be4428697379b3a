namespace SaePipeline.Cache;

/// <summary>
/// A cache in a folder, typically on the cluster's shared filesystem (NFS, Lustre). An entry is written under a
/// temporary name beside its final one and renamed into place: rename is atomic within a filesystem, so readers see a
/// whole entry or none, and of two machines publishing the same item at once one rename wins and the other keeps
/// nothing. Files are copied, never linked, so the artifacts and the cache can be deleted independently.
/// </summary>
public sealed class FolderCache(string folder) : ResultCache
{
    readonly string root = Path.GetFullPath(folder);

    public override string Location => root;

    string EntryDir(string key) => Path.Combine(root, key);

    public override string? ReadManifest(string key)
    {
        string path = Path.Combine(EntryDir(key), Artifacts.Manifest.FileName);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public override bool HasFiles(string key) =>
        Directory.Exists(EntryDir(key)) && Directory.EnumerateFiles(EntryDir(key), "*", SearchOption.AllDirectories).Any();

    public override void Download(string key, string file, string destination)
    {
        string source = Path.Combine(EntryDir(key), file);
        try
        {
            File.Copy(source, destination, overwrite: true);
        }
        catch (DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{source} is missing", source);
        }
    }

    public override bool Publish(string key, string sourceDir, IReadOnlyList<string> files, bool replace)
    {
        string entry = EntryDir(key);
        if (!replace && File.Exists(Path.Combine(entry, Artifacts.Manifest.FileName))) return false;
        string parent = Path.GetDirectoryName(entry)!;
        Directory.CreateDirectory(parent);
        // Hidden names (leading '.'), so a listing of the cache shows entries only.
        string tmp = Path.Combine(parent, $".tmp-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            foreach (var file in files.Append(Artifacts.Manifest.FileName))
            {
                string target = Path.Combine(tmp, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(sourceDir, file), target);
            }
            if (replace && Directory.Exists(entry))
            {
                string aside = Path.Combine(parent, $".damaged-{Guid.NewGuid().ToString("N")[..8]}");
                Directory.Move(entry, aside);
                Directory.Delete(aside, recursive: true);
            }
            try
            {
                Directory.Move(tmp, entry);
            }
            catch (IOException) when (Directory.Exists(entry))
            {
                return false;   // another machine published it first; theirs stays
            }
            return true;
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
    }
}
