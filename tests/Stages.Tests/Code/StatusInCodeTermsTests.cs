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
