namespace SaePipeline.Tests;

/// <summary>Paths into the repository and into ../shared/fixtures (HuggingFace goldens; present in CI).</summary>
public static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A path under shared/fixtures, which sits beside the checkout (../shared) in development and CI.</summary>
    public static string Shared(params string[] parts) => Path.Combine([SharedFixtures.Value, .. parts]);

    static readonly Lazy<string> SharedFixtures = new(() =>
    {
        for (var dir = new DirectoryInfo(RepoRoot).Parent; dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "shared", "fixtures"))) return Path.Combine(dir.FullName, "shared", "fixtures");
        throw new InvalidOperationException(
            $"the golden fixtures were not found: expected a shared/fixtures folder beside the checkout (e.g. {Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"))})");
    });

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SaePipeline.slnx"))) return dir.FullName;
        throw new InvalidOperationException("SaePipeline.slnx not found above " + AppContext.BaseDirectory);
    }
}
