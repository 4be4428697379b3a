using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Plan;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Code;

/// <summary>Status explains a rerun caused by code the way it explains one caused by config: in the code's own terms.</summary>
public sealed class StatusInCodeTermsTests
{
    [Fact]
    public void AResultMadeByOtherCodeIsNamedByTheAssemblyThatChanged()
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", """
            name: p
            synthetic: {n_features: 8, d_in: 4}
            saes:
              - {name: a, d_sae: 8}
            """));
        var plan = PipelinePlanner.Build(loaded, Path.Combine(dir.Path, "notes.txt"));
        string root = Path.Combine(dir.Path, "artifacts");
        var train = plan.Items.Single(i => i.Kind == StageTable.TrainSae);

        // The previous result of the same SAE, made by a build whose Sae assembly had other bytes.
        var older = train.Code with
        {
            Fingerprint = new string('0', 64),
            Assemblies = new Dictionary<string, string>(train.Code.Assemblies) { ["SaePipeline.Sae.dll"] = new string('0', 64) },
        };
        string previous = Directory.CreateDirectory(Path.Combine(root, "saes", "a-00000000")).FullName;
        File.WriteAllText(Path.Combine(previous, Manifest.FileName), Json.Serialize(new Manifest
        {
            Stage = "TrainSae", Name = "a", Id = "a-00000000", Fingerprint = new string('0', 64), Params = train.Params,
            Upstream = train.Inputs.Select(kv => new UpstreamRef(kv.Key.Name, kv.Value.Kind.Target, kv.Value.Id, kv.Value.Fingerprint)).ToList(),
            Code = older, StartedUtc = DateTimeOffset.UnixEpoch, Seconds = 0, Files = [],
        }));

        var status = Staleness.Assess(plan, root).Single(s => s.Item == train);
        Assert.Equal("changed since a-00000000: code of TrainSae changed (SaePipeline.Sae.dll)", status.Reason);
    }
}

/// <summary>A spec names the code it is planned with; a program with other code refuses to run it.</summary>
public sealed class SpecCodeCheckTests
{
    [Fact]
    public void AStageRefusesASpecPlannedWithOtherCodeAndKeepsNothing()
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", """
            name: p
            synthetic: {n_features: 8, d_in: 4, n_tokens: 1024, n_heldout_tokens: 256}
            saes:
              - {name: a, d_sae: 8}
            """));
        var plan = PipelinePlanner.Build(loaded, Path.Combine(dir.Path, "notes.txt"));
        string root = Path.Combine(dir.Path, "artifacts");
        PlanWriter.Write(plan, root);
        var cache = plan.Items.Single(i => i.Kind == StageTable.CacheActivations);

        // The same spec as another build of the Activations floor would have planned it.
        var other = cache.ToSpec() with
        {
            Code = cache.Code with
            {
                Fingerprint = new string('0', 64),
                Assemblies = new Dictionary<string, string>(cache.Code.Assemblies) { ["SaePipeline.Activations.dll"] = new string('0', 64) },
            },
        };
        File.WriteAllText(cache.SpecPath(root), Json.Serialize(other));
        var e = Assert.Throws<PipelineException>(() => Commands.Run(cache.Kind.Verb, [cache.SpecPath(root)]));
        Assert.Contains($"CacheActivations {cache.Id} was planned with other code than this program's (SaePipeline.Activations.dll changed)", e.Message);
        Assert.False(Directory.Exists(cache.OutputDir(root)));

        // A spec of one stage's code given to another stage is refused too.
        File.WriteAllText(cache.SpecPath(root), Json.Serialize(cache.ToSpec() with { Code = ProgramCode.Current.Of("SaePipeline.Data", CodeSensitivity.Stage) }));
        Assert.Contains("names the code of SaePipeline.Data, but CacheActivations runs in SaePipeline.Activations",
                        Assert.Throws<PipelineException>(() => Commands.Run(cache.Kind.Verb, [cache.SpecPath(root)])).Message);
    }
}
