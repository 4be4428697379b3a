using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>
/// Watches which of the program's assemblies a stage item loads while it runs, so that one its code fingerprint does
/// not cover (loaded by reflection, say, past the reference graph the fingerprint follows) stops the item before it
/// commits instead of leaving a result that would not rerun when that assembly changes. Framework assemblies are not
/// ours to fingerprint (the target framework is); assemblies loaded before the item started (the stage program's own
/// table) are not seen.
/// </summary>
public sealed class LoadWatch : IDisposable
{
    readonly string folder;
    readonly IReadOnlySet<string> covered;
    readonly List<string> uncovered = [];

    LoadWatch(ProgramCode program, CodeIdentity code)
    {
        folder = Path.GetFullPath(program.Folder);
        covered = program.FilesOf(code);
        AppDomain.CurrentDomain.AssemblyLoad += OnLoad;
    }

    public static LoadWatch Start(ProgramCode program, CodeIdentity code) => new(program, code);

    void OnLoad(object? sender, AssemblyLoadEventArgs e)
    {
        string location = e.LoadedAssembly.IsDynamic ? "" : e.LoadedAssembly.Location;
        if (location.Length == 0 || Path.GetDirectoryName(Path.GetFullPath(location)) != folder.TrimEnd('/')) return;
        string file = Path.GetFileName(location);
        if (!covered.Contains(file)) lock (uncovered) uncovered.Add(file);
    }

    /// <summary>Throws when the item loaded an assembly outside its code fingerprint.</summary>
    public void ThrowIfUncovered(string item)
    {
        lock (uncovered)
            if (uncovered.Count > 0)
                throw new PipelineException(
                    $"{item} loaded {string.Join(", ", uncovered.Distinct())}, which its code fingerprint does not cover, so a change to " +
                    "it would not rerun the item; reference that project from the stage's project (or run with -p:CodeSensitivity=program). Nothing was kept", item);
    }

    public void Dispose() => AppDomain.CurrentDomain.AssemblyLoad -= OnLoad;
}
