namespace SaePipeline.Tests;

/// <summary>Paths into the repository and into ../shared/fixtures (HuggingFace goldens; present in CI).</summary>
public static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared(params string[] parts) =>
        Path.Combine([Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures")), .. parts]);

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SaePipeline.slnx"))) return dir.FullName;
        throw new InvalidOperationException("SaePipeline.slnx not found above " + AppContext.BaseDirectory);
    }
}
