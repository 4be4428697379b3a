using SaePipeline.Artifacts;

namespace SaePipeline.Tests.Code;

public sealed class CurrentLinkTests
{
    [Fact]
    public void TheLinkFollowsTheCurrentFolderAndReplacesAnOldRealFolder()
    {
        using var dir = new TempDir();
        string first = Directory.CreateDirectory(Path.Combine(dir.Path, "report", "exp-11111111")).FullName;
        string second = Directory.CreateDirectory(Path.Combine(dir.Path, "report", "exp-22222222")).FullName;
        File.WriteAllText(Path.Combine(first, "summary.md"), "first");
        File.WriteAllText(Path.Combine(second, "summary.md"), "second");
        string link = CurrentLink.PathOf(first, "exp");
        // An older version wrote the report in place: that folder is moved aside, not deleted or followed.
        Directory.CreateDirectory(link);
        File.WriteAllText(Path.Combine(link, "summary.md"), "in place");

        CurrentLink.Point(link, first);
        Assert.Equal(first, CurrentLink.Target(link));
        Assert.Equal("first", File.ReadAllText(Path.Combine(link, "summary.md")));
        Assert.Equal("exp-11111111", new DirectoryInfo(link).LinkTarget);   // relative: the artifacts root can move
        Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "report"), "exp.old-*"));

        CurrentLink.Point(link, second);
        Assert.Equal("second", File.ReadAllText(Path.Combine(link, "summary.md")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir.Path, "report"), "exp.link-*"));
        Assert.Null(CurrentLink.Target(Path.Combine(dir.Path, "report", "none")));
    }
}
