using SaePipeline.Contracts;

namespace SaePipeline.Tests;

/// <summary>
/// What -p:Jobs=N may start when: an item once everything it reads has finished, whatever the stages; a failure stops
/// everything that reads it, directly or not, and nothing else; an item is skipped by MSBuild's own Inputs/Outputs rule.
/// </summary>
public sealed class ItemScheduleTests
{
    static PlanEntry Item(string dir, string stage, string name, params PlanEntry[] reads) =>
        new(stage, stage.ToLowerInvariant(), name, $"{name}-00000000", Path.Combine(dir, $"{stage}-{name}.json"), Path.Combine(dir, stage, name),
            Path.Combine(dir, stage, name, "manifest.json"), [Path.Combine(dir, $"{stage}-{name}.json"), .. reads.Select(r => r.Manifest)]);

    [Fact]
    public void ItemsStartWhenWhatTheyReadIsDoneAndAFailureStopsOnlyItsReaders()
    {
        using var dir = new TempDir();
        var cache = Item(dir.Path, "CacheActivations", "c");
        var trainA = Item(dir.Path, "TrainSae", "a", cache);
        var trainB = Item(dir.Path, "TrainSae", "b", cache);
        var evalA = Item(dir.Path, "EvaluateCore", "a", trainA);
        var evalB = Item(dir.Path, "EvaluateCore", "b", trainB);
        var report = Item(dir.Path, "Report", "r", evalA, evalB);
        var s = new ItemSchedule([cache, trainA, evalA, trainB, evalB, report]);

        Assert.Equal([cache], s.Ready());
        s.Start(cache);
        Assert.Empty(s.Ready());
        s.Finish(cache, ok: true);
        Assert.Equal([trainA, trainB], s.Ready());
        s.Start(trainA);
        s.Start(trainB);
        s.Finish(trainA, ok: true);
        Assert.Equal([evalA], s.Ready());   // evaluates a while b still trains
        s.Start(evalA);
        s.Finish(trainB, ok: false);
        Assert.Equal([evalB, report], s.Blocked.OrderBy(i => i.Stage));
        Assert.Empty(s.Ready());
        Assert.False(s.Done);   // evalA still runs
        s.Finish(evalA, ok: true);
        Assert.True(s.Done);
    }

    [Fact]
    public void AnItemIsUpToDateWhenItsManifestExistsAndNoInputIsNewer()
    {
        using var dir = new TempDir();
        var cache = Item(dir.Path, "CacheActivations", "c");
        var train = Item(dir.Path, "TrainSae", "a", cache);
        foreach (var f in new[] { cache.Spec, train.Spec, cache.Manifest, train.Manifest })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(f)!);
            File.WriteAllText(f, "{}");
        }
        var t = DateTime.UtcNow.AddMinutes(-10);
        File.SetLastWriteTimeUtc(cache.Spec, t);
        File.SetLastWriteTimeUtc(train.Spec, t);
        File.SetLastWriteTimeUtc(cache.Manifest, t.AddMinutes(1));
        File.SetLastWriteTimeUtc(train.Manifest, t.AddMinutes(2));
        Assert.True(ItemSchedule.UpToDate(train));

        File.SetLastWriteTimeUtc(cache.Manifest, t.AddMinutes(3));   // its input was rebuilt after it
        Assert.False(ItemSchedule.UpToDate(train));
        File.SetLastWriteTimeUtc(cache.Manifest, t.AddMinutes(1));
        File.Delete(train.Manifest);   // no result
        Assert.False(ItemSchedule.UpToDate(train));
    }
}
