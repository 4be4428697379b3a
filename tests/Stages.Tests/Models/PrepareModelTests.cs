using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Config;
using SaePipeline.Models.Prepare;
using SaePipeline.Plan;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Models;

/// <summary>PrepareModel on local checkpoint folders: what it records, when it reruns, and what it refuses.</summary>
public sealed class PrepareModelTests
{
    const string Yaml = """
        name: prepare
        model:
          path: checkpoint
          dtype: bfloat16
        synthetic:
          n_features: 8
          d_in: 8
          n_tokens: 1024
          n_heldout_tokens: 1024
        saes:
          - name: a
            d_sae: 16
        """;

    [Fact]
    public void RecordsTheArchitectureAndRerunsOnlyWhenTheFolderChanges()
    {
        using var dir = new TempDir();
        CopyFixture("gemma2", Path.Combine(dir.Path, "checkpoint"));
        string yaml = dir.File("pipeline.yaml", Yaml);
        var (item, root) = Plan(yaml, dir.Path);
        Assert.Equal(0, Commands.Run(item.Kind.Verb, [item.SpecPath(root)]));

        var model = PreparedModel.Open(item.OutputDir(root));
        Assert.Equal(("gemma2", 3, 64, 4, 128, 97), (model.Dims.Architecture, model.Dims.NLayers, model.Dims.DModel, model.Dims.NHeads, model.Dims.DMlp, model.Dims.VocabSize));
        Assert.Equal("bfloat16", model.Dtype);
        Assert.Equal(new Dictionary<string, int> { ["F32"] = 35 }, model.StoredDtypes);
        Assert.Equal("blocks.{0..2}.hook_resid_pre|hook_attn_out|hook_mlp_out|hook_resid_post", model.HookPoints);
        var manifest = Manifest.Load(item.OutputDir(root), verifyHashes: true);
        Assert.Equal("gemma2", manifest.Info!["architecture"]!.GetValue<string>());

        // A comment-only edit of pipeline.yaml plans the same item; copying the folder elsewhere with the same bytes too.
        File.AppendAllText(yaml, "\n# a comment\n");
        Assert.Equal(item.Id, Plan(yaml, dir.Path).Item.Id);

        // Any change inside the folder changes the item, and a prepared model whose folder changed refuses to open.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "checkpoint", "config.json")))!.AsObject();
        config["rms_norm_eps"] = 1e-5;
        File.WriteAllText(Path.Combine(dir.Path, "checkpoint", "config.json"), config.ToJsonString());
        Assert.NotEqual(item.Id, Plan(yaml, dir.Path).Item.Id);
        var error = Assert.Throws<PipelineException>(() => PreparedModel.Open(item.OutputDir(root)));
        Assert.Contains("changed after PrepareModel checked it", error.Message);
    }

    [Fact]
    public void WeightChangesAreSeenByTheSampledFingerprint()
    {
        using var dir = new TempDir();
        string folder = Path.Combine(dir.Path, "checkpoint");
        CopyFixture("gpt_neox", folder);
        string before = ContentFingerprint.Folder(folder);
        string weights = Path.Combine(folder, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 1;   // the last byte is always sampled (and a re-saved checkpoint changes its header, the first bytes)
        File.WriteAllBytes(weights, bytes);
        Assert.NotEqual(before, ContentFingerprint.Folder(folder));
    }

    [Fact]
    public void AMissingFolderIsAConfigErrorAtItsLine()
    {
        using var dir = new TempDir();
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(dir.File("pipeline.yaml", Yaml)));
        var line = Assert.Single(error.Errors).ToString();
        Assert.Contains("pipeline.yaml(3,9): error SAE1008: model.path:", line);
        Assert.Contains("checkpoint does not exist", line);
    }

    [Fact]
    public void ATokenizerFromAnotherModelIsRefused()
    {
        // The GPT-2 fixture model has a 97-token vocabulary; GPT-2's real tokenizer produces ids up to 50256.
        using var dir = new TempDir();
        string folder = Path.Combine(dir.Path, "checkpoint");
        CopyFixture("gpt2", folder);
        File.Copy(Fixtures.Golden("tokenizer", "vocab.json"), Path.Combine(folder, "vocab.json"));
        File.Copy(Fixtures.Golden("tokenizer", "merges.txt"), Path.Combine(folder, "merges.txt"));
        var (item, root) = Plan(dir.File("pipeline.yaml", Yaml), dir.Path);
        var error = Assert.Throws<PipelineException>(() => Commands.Run(item.Kind.Verb, [item.SpecPath(root)]));
        Assert.Contains("produces ids up to 50256, but the model's vocabulary has 97 entries", error.Message);
        Assert.False(Directory.Exists(item.OutputDir(root)), "a failed PrepareModel must leave no result");
    }

    static (PlanItem Item, string Root) Plan(string yaml, string dir)
    {
        var plan = PipelinePlanner.Build(PipelineConfigLoader.Load(yaml), Path.Combine(dir, "notes.txt"));
        string root = Path.Combine(dir, "artifacts");
        PlanWriter.Write(plan, root);
        return (plan.Items.Single(i => i.Kind == StageTable.PrepareModel), root);
    }

    static void CopyFixture(string fixture, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(Fixtures.Golden(fixture, "model"))) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
