using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Plan;
using Snapshooter;
using Snapshooter.Xunit;

namespace SaePipeline.Tests;

/// <summary>
/// A micro pipeline run in-process through the same plan and stage commands the build uses; its synthetic-recovery
/// JSON is compared with a stored snapshot. Numbers are rounded (2 decimals for metrics, 1 for per-feature cosines)
/// so CPU noise between machines cannot flip it, while a change to the data, the trainer or the metrics does.
/// Volatile fields (time) and everything named by the code's fingerprint (eval_id, item ids, the code identity: any edit
/// of the stages' code changes them) are removed before comparing.
/// </summary>
public sealed class MicroRunSnapshotTests
{
    const string Yaml = """
        name: micro
        seed: 5
        synthetic:
          n_features: 24
          d_in: 16
          n_tokens: 16384
          n_heldout_tokens: 2048
          rows_per_shard: 8192
          rows_per_row_group: 1024
        saes:
          - name: relu
            d_sae: 48
            l1_coefficient: 0.1
            lr: 0.003
            batch_size: 256
            training_tokens: 131072
            lr_warmup_steps: 20
            sparsity_warmup_steps: 100
            shuffle_buffer_rows: 4096
        """;

    [Fact]
    public void SyntheticRecoveryJsonOfAMicroRun()
    {
        using var dir = new TempDir();
        var loaded = PipelineConfigLoader.Load(dir.File("pipeline.yaml", Yaml));
        var plan = PipelinePlanner.Build(loaded, Path.Combine(dir.Path, "notes.txt"));
        string root = Path.Combine(dir.Path, "artifacts");
        PlanWriter.Write(plan, root);
        foreach (var item in plan.Items)
            Assert.Equal(0, Commands.Run(item.Kind.Verb, [item.SpecPath(root)]));

        var eval = plan.Items.Single(i => i.Kind == StageTable.EvaluateSynthetic);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(eval.OutputDir(root), "micro_relu_eval_results.json")))!.AsObject();
        Snapshot.Match(Normalize(json).ToJsonString(), SnapshotNameExtension.Create("json"));
    }

    /// <summary>"synthetic-a2ffbc8e" → "synthetic".</summary>
    static string ItemName(string id) => id[..id.LastIndexOf('-')];

    static JsonObject Normalize(JsonObject json)
    {
        json.Remove("datetime_epoch_millis");
        json.Remove("eval_id");
        var metadata = json["sae_cfg_dict"]!["metadata"]!.AsObject();
        metadata.Remove("trained_with");
        metadata["dataset_path"] = ItemName(metadata["dataset_path"]!.GetValue<string>());
        json["eval_result_unstructured"]!.AsObject().Remove("pipeline");
        foreach (var category in json["eval_result_metrics"]!.AsObject())
            foreach (var metric in category.Value!.AsObject().ToList())
                category.Value!.AsObject()[metric.Key] = Math.Round(metric.Value!.GetValue<double>(), 2);
        foreach (var detail in json["eval_result_details"]!.AsArray().Select(d => d!.AsObject()))
        {
            detail.Remove("best_latent");      // which of two near-equal latents wins is CPU noise;
            detail.Remove("matched_latent");   // the cosines below carry the result
            foreach (var key in new[] { "max_cosine", "matched_abs_cosine" })
                detail[key] = Math.Round(detail[key]!.GetValue<double>(), 1);
            detail["firing_probability"] = Math.Round(detail["firing_probability"]!.GetValue<double>(), 5);
        }
        return json;
    }
}
