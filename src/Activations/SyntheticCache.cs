using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Activations.Synthetic;
using SaePipeline.Artifacts;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Activations;

/// <summary>
/// CacheActivations for the planted-feature source: writes the training split (part-*.parquet), the held-out split
/// (heldout-*.parquet, drawn from its own random stream so its rows do not depend on n_tokens) and the ground truth
/// (ground_truth.safetensors: features [n_features, d_in], firing_probability [n_features]). Rows are generated and
/// written one row group at a time, so memory stays bounded whatever n_tokens is.
/// </summary>
public static class SyntheticCache
{
    public const string GroundTruthFile = "ground_truth.safetensors";
    public const string NActiveColumn = "n_active";
    const string TrainSplit = CacheActivationsStage.TrainSplit, HeldoutSplit = CacheActivationsStage.HeldoutSplit;

    public static void Run(StageContext context, CacheActivationsParams p)
    {
        var s = p.Synthetic ?? throw new PipelineException("a synthetic cache needs the synthetic source settings", context.Spec.Id);
        long seed = s.Seed ?? throw new PipelineException("synthetic.seed was not resolved by the planner", context.Spec.Id);
        context.Log($"{s.NTokens:N0} + {s.NHeldoutTokens:N0} held-out rows, {s.NFeatures} planted features in {s.DIn} dims, " +
                    $"{s.Firing.Distribution.ToString().ToLowerInvariant()} firing (mean L0 {s.Firing.MeanActive}), seed {seed}");

        using var source = new PlantedFeatureSource(s, seed);
        var schema = new ActivationSchema(s.DIn, [NActiveColumn]);
        var metadata = new Dictionary<string, string>
        {
            ["d_in"] = s.DIn.ToString(CultureInfo.InvariantCulture), ["dtype"] = "float32", ["hook"] = "synthetic",
            ["id"] = context.Spec.Id,
        };
        ActivationRows[] buffers = [new(s.RowsPerRowGroup, s.DIn, 1), new(s.RowsPerRowGroup, s.DIn, 1)];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new Progress(context.Label, s.NTokens + s.NHeldoutTokens, "rows");
        var (train, trainL0) = WriteSplit(context, source, schema, metadata, buffers, "part", s.NTokens, s.RowsPerShard, seed, TrainSplit, progress, 0);
        var (heldout, heldoutL0) = WriteSplit(context, source, schema, metadata, buffers, "heldout", s.NHeldoutTokens, s.RowsPerShard, seed, HeldoutSplit, progress, s.NTokens);
        double seconds = clock.Elapsed.TotalSeconds;
        progress.Done($"{(s.NTokens + s.NHeldoutTokens) / seconds:N0} rows/s");

        Safetensors.Save(Path.Combine(context.OutputDir, GroundTruthFile), new Dictionary<string, Tensor>
        {
            ["features"] = source.Features,
            ["firing_probability"] = tensor(source.Probabilities.Select(x => (float)x).ToArray()),
        }, new Dictionary<string, string> { ["format"] = "sae-pipeline planted features", ["id"] = context.Spec.Id });

        var info = new ActivationCacheInfo
        {
            DIn = s.DIn,
            Dtype = "float32",
            Hook = "synthetic",
            LabelColumns = [NActiveColumn],
            RowsPerRowGroup = s.RowsPerRowGroup,
            Splits = new Dictionary<string, IReadOnlyList<ShardInfo>> { [TrainSplit] = train, [HeldoutSplit] = heldout },
            Source = new JsonObject
            {
                ["kind"] = "synthetic",
                ["n_features"] = s.NFeatures,
                ["expected_l0"] = Math.Round(source.Probabilities.Sum(), 6),
                ["train_mean_l0"] = Math.Round(trainL0, 6),
                ["heldout_mean_l0"] = Math.Round(heldoutL0, 6),
            },
            RowsPerSecond = Math.Round((s.NTokens + s.NHeldoutTokens) / seconds),
        };
        context.Commit((JsonObject)Json.ToNode(info));
    }

    /// <summary>
    /// Generates and writes one split, a row group at a time. Writing block k runs on a worker while block k + 1 is
    /// generated into the other buffer; a buffer is reused only after its write has finished.
    /// </summary>
    static (IReadOnlyList<ShardInfo> Shards, double MeanL0) WriteSplit(
        StageContext context, PlantedFeatureSource source, ActivationSchema schema, Dictionary<string, string> metadata,
        ActivationRows[] buffers, string prefix, long count, int rowsPerShard, long seed, string split, Progress progress, long done)
    {
        using var generator = TorchRuntime.Generator(seed, $"synthetic/{split}");
        long activeSum = 0;
        var writer = new ActivationCacheWriter(context.OutputDir, prefix, schema, rowsPerShard, metadata);
        Task writing = Task.CompletedTask;
        try
        {
            int block = 0;
            for (long written = 0; written < count; block++)
            {
                var rows = buffers[block % 2];
                int n = (int)Math.Min(rows.Capacity, count - written);
                using (NoCollections.During())   // the previous block is being written to Parquet on another thread
                    source.Sample(n, generator, done + written, rows);   // doc = row number across both splits
                for (int i = 0; i < n; i++) activeSum += rows.Labels[0][i];
                writing.GetAwaiter().GetResult();
                writing = Task.Run(() => writer.WriteAsync(rows));
                written += n;
                progress.Report(done + written);
            }
            writing.GetAwaiter().GetResult();
        }
        finally
        {
            writing.ContinueWith(_ => { }).Wait();   // never dispose the writer under a running write
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return (writer.Shards, (double)activeSum / count);
    }
}
