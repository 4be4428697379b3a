namespace SaePipeline.Tests;

/// <summary>Paths into the repository, and into its golden fixtures (tests/fixtures: HuggingFace outputs and GPT-2 tokenizer cases).</summary>
public static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A path under tests/fixtures, the generated golden data (its README says how each file was made).</summary>
    public static string Golden(params string[] parts)
    {
        string path = Path.Combine([RepoRoot, "tests", "fixtures", .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"golden fixture {Path.GetRelativePath(RepoRoot, path)} is missing from the checkout (tests/fixtures is tracked by git)", path);
        return path;
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SaePipeline.slnx"))) return dir.FullName;
        throw new InvalidOperationException("SaePipeline.slnx not found above " + AppContext.BaseDirectory);
    }
}
