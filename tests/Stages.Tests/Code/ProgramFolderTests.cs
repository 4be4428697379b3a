namespace SaePipeline.Tests.Code;

/// <summary>
/// A stage's code fingerprint covers the assemblies it can load, not other files: so the stage program's folder must
/// hold nothing a stage could read as data. Built-in data belongs in the code (constants, embedded resources), where
/// the fingerprint sees it.
/// </summary>
public sealed class ProgramFolderTests
{
    [Fact]
    public void TheStageProgramsFolderHoldsOnlyCodeAndTheRuntimesFiles()
    {
        // The stage program's own output folder, in this test run's configuration (bin/<Debug|Release>/net10.0).
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        string folder = Path.Combine(Fixtures.RepoRoot, "src", "Stages", "bin", output.Parent!.Name, output.Name);
        Assert.True(File.Exists(Path.Combine(folder, "stages.dll")), $"no stage program in {folder}");
        string[] allowed = [".dll", ".pdb", ".so", ".dylib", ".a", ".glibcxx-checked"];
        var data = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f))
            .Where(f => !allowed.Contains(Path.GetExtension(f)) && !f.EndsWith(".deps.json", StringComparison.Ordinal)
                        && !f.EndsWith(".runtimeconfig.json", StringComparison.Ordinal) && Path.GetExtension(f) != ""
                        && !f.StartsWith("runtimes/", StringComparison.Ordinal))
            .ToList();
        Assert.True(data.Count == 0, $"files beside the stage program that no code fingerprint covers: {string.Join(", ", data)}");
    }
}
