using System.Text.Json.Nodes;
using SaePipeline.Tests.Sae;

namespace SaePipeline.PipelineTests;

/// <summary>
/// The built-in world end to end, at micro size: PrepareModel pretrains the micro model, CacheActivations caches the
/// packed corpus and a labelled data set from it, an SAE trains on the corpus cache; a second build is a no-op and a
/// changed hook reruns the caches but not the model.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class ModelPipelineTests
{
    const string Yaml = """
        name: micro-lm
        seed: 5
        model: builtin:micro
        activations:
          hook: blocks.1.hook_resid_post
          context: 64
          n_tokens: 16384
          n_heldout_tokens: 2048
          batch_rows: 16
          labelled: [bias_in_bios]
        datasets:
          bias_in_bios:
            train_rows: 200
            test_rows: 50
        sae_defaults:
          d_sae: 128
          batch_size: 256
          training_tokens: 16384
          lr: 0.001
          lr_warmup_steps: 10
          sparsity_warmup_steps: 20
          shuffle_buffer_rows: 2048
        saes:
          - name: a
            l1_coefficient: 0.01
        """;

    static readonly string[] AllItems = ["CacheActivations/bias_in_bios", "CacheActivations/mixed", "PrepareModel/model", "Report/report", "TrainSae/a"];

    static JsonNode Info(Workspace w, string folder, string prefix)
    {
        string dir = Directory.GetDirectories(Path.Combine(w.Artifacts, folder), prefix + "-*").Single();
        return JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))!["info"]!;
    }

    [Fact]
    public void BuiltinModelCachesAndSaeBuildThenRebuildOnlyWhatAHookChangeTouches()
    {
        using var w = new Workspace(Yaml);
        var first = w.Build();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(AllItems, first.RanNames);

        var model = Info(w, "models", "model");
        double fraction = model["builtin"]!["heldout_ce_fraction"]!.GetValue<double>();
        Assert.InRange(fraction, 0, 0.5);   // the acceptance bar: held-out CE ≤ 0.5·ln(vocab), recorded in the manifest
        Assert.Equal(64, model["d_model"]!.GetValue<int>());

        var corpus = Info(w, "activations", "mixed");
        Assert.Equal(16384, corpus["tokens"]!.GetValue<long>() - 2048);
        Assert.True(corpus["tokens_per_second"]!.GetValue<double>() > 0);
        Assert.Equal("blocks.1.hook_resid_post", corpus["hook"]!.GetValue<string>());
        int bos = corpus["special_tokens"]!["bos"]!.GetValue<int>();
        Assert.Equal(bos, corpus["special_tokens"]!["eos"]!.GetValue<int>());

        var bios = Info(w, "activations", "bias_in_bios");
        Assert.Equal(["profession", "gender"], bios["label_columns"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["train", "test"], bios["splits"]!.AsObject().Select(kv => kv.Key));

        // The trained SAE's cfg.json goes through SAELens's loader with its metadata, and SAEBench finds its layer.
        string sae = Directory.GetDirectories(Path.Combine(w.Artifacts, "saes"), "a-*").Single();
        var loaded = SaeLensLoaderModel.Load(JsonNode.Parse(File.ReadAllText(Path.Combine(sae, "cfg.json")))!.AsObject());
        var (layer, hookName, _) = SaeLensLoaderModel.SaeBenchStandardize(loaded);
        Assert.Equal((1, "blocks.1.hook_resid_post"), (layer, hookName));
        Assert.Equal(64, loaded["metadata"]!["context_size"]!.GetValue<int>());

        var again = w.Build();
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Empty(again.Ran);

        w.Yaml = w.Yaml.Replace("blocks.1.hook_resid_post", "blocks.0.hook_resid_post");
        var hook = w.Build();
        Assert.True(hook.ExitCode == 0, hook.Output);
        Assert.Equal(["CacheActivations/bias_in_bios", "CacheActivations/mixed", "Report/report", "TrainSae/a"], hook.RanNames);
    }
}
