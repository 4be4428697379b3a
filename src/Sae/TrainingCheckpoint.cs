using System.Text.Json.Nodes;
using SaePipeline.Activations;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// Everything a killed TrainSae needs to continue as if it had never stopped, in one safetensors file written to a
/// temp name and renamed into place (a kill mid-write leaves the previous checkpoint): the SAE's tensors, Adam's
/// moments and step count, the dead-latent counters, a research objective's state (its λ, running means), the resampling generator, the data reader's position
/// (<see cref="ShuffleState"/>), the input scale, and the training log so far. It lives in
/// <c>artifacts/.checkpoints/TrainSae/&lt;id&gt;/</c>, outside the item's temp folder (which a new run discards), and is
/// deleted once the item commits. A checkpoint from another build of the stage program is not used: its
/// continuation would match neither the old code's result nor the new one's.
/// </summary>
public sealed record TrainingCheckpoint(
    long NextStep, double InputScale, double TrainingSeconds, string LogText, StepStats? LastStats, ShuffleState Shuffle)
{
    public const string FileName = "checkpoint.safetensors";

    /// <summary>
    /// The item's checkpoint folder. Its id names its code (the code fingerprint is part of the item's), so a
    /// checkpoint found there was written by the code now running: a code change trains a new item from the start.
    /// </summary>
    public static string DirFor(string artifactsRoot, string itemId) => Contracts.ArtifactLayout.CheckpointFolder(artifactsRoot, "TrainSae", itemId);

    public static void Save(string dir, TrainingCheckpoint state, SaeTrainer trainer)
    {
        Directory.CreateDirectory(dir);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var p in trainer.Sae.Parameters.Concat(trainer.Sae.Buffers)) tensors[$"sae/{p.Name}"] = p.Tensor;
        for (int i = 0; i < trainer.Adam.FirstMoments.Count; i++)
        {
            tensors[$"adam/m/{i}"] = trainer.Adam.FirstMoments[i];
            tensors[$"adam/v/{i}"] = trainer.Adam.SecondMoments[i];
        }
        tensors["trainer/tokens_since_fired"] = trainer.TokensSinceFired;
        tensors["trainer/steps_since_active"] = trainer.StepsSinceActive;
        using var generatorState = trainer.ResampleGenerator.get_state();
        tensors["trainer/resample_generator"] = generatorState;
        using var slots = tensor(state.Shuffle.Slots);
        tensors["data/slots"] = slots;
        var meta = new JsonObject
        {
            ["next_step"] = state.NextStep,
            ["adam_step"] = trainer.Adam.StepCount,
            ["input_scale"] = state.InputScale,
            ["training_seconds"] = state.TrainingSeconds,
            ["last_stats"] = state.LastStats is null ? null : Json.ToNode(state.LastStats),
            ["shuffle_rng"] = state.Shuffle.Rng.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["shuffle_epoch"] = state.Shuffle.Epoch,
            ["shuffle_next"] = state.Shuffle.Next,
            ["shuffle_order_shards"] = Json.ToNode(state.Shuffle.OrderShards),
            ["shuffle_order_groups"] = Json.ToNode(state.Shuffle.OrderGroups),
            ["objective_state"] = trainer.Objective.SaveState(),
        };
        string path = Path.Combine(dir, FileName), temp = $"{path}.tmp-{Environment.ProcessId}";
        Safetensors.Save(temp, tensors, new Dictionary<string, string> { ["state"] = meta.ToJsonString(), ["log"] = state.LogText });
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Loads the checkpoint into a freshly initialised trainer (same config and seed) and returns its state, or null
    /// when there is none or it cannot be used (then <paramref name="why"/> says why and training starts over).
    /// </summary>
    public static TrainingCheckpoint? TryRestore(string dir, SaeTrainer trainer, out string? why)
    {
        why = null;
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return null;
        Dictionary<string, Tensor> tensors;
        Safetensors.Header header;
        try
        {
            header = Safetensors.ReadHeader(path);
            tensors = Safetensors.Load(path);
        }
        catch (PipelineException e)
        {
            why = $"unreadable ({e.Message})";
            return null;
        }
        try
        {
            var meta = JsonNode.Parse(header.Metadata["state"])!.AsObject();
            var objectiveState = meta["objective_state"] as JsonObject;
            if ((objectiveState is null) != (trainer.Objective.SaveState() is null))
                throw new InvalidOperationException("the checkpoint's objective state does not match this objective");
            // Every tensor is checked before anything is copied: a checkpoint that fails halfway must not leave the
            // freshly initialised trainer half-restored, because training then starts over from it.
            var copies = new List<(Tensor Target, Tensor Source)>();
            foreach (var p in trainer.Sae.Parameters.Concat(trainer.Sae.Buffers))
                copies.Add((p.Tensor, Take(tensors, $"sae/{p.Name}", p.Tensor)));
            int n = trainer.Adam.FirstMoments.Count;
            var m = Enumerable.Range(0, n).Select(i => Take(tensors, $"adam/m/{i}", trainer.Adam.FirstMoments[i])).ToList();
            var v = Enumerable.Range(0, n).Select(i => Take(tensors, $"adam/v/{i}", trainer.Adam.SecondMoments[i])).ToList();
            copies.Add((trainer.TokensSinceFired, Take(tensors, "trainer/tokens_since_fired", trainer.TokensSinceFired)));
            copies.Add((trainer.StepsSinceActive, Take(tensors, "trainer/steps_since_active", trainer.StepsSinceActive)));
            var generatorState = tensors.GetValueOrDefault("trainer/resample_generator") ?? throw new KeyNotFoundException("no tensor 'trainer/resample_generator'");
            long adamStep = meta["adam_step"]!.GetValue<long>();
            var shuffle = new ShuffleState(
                ulong.Parse(meta["shuffle_rng"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                meta["shuffle_epoch"]!.GetValue<int>(),
                Json.Deserialize<int[]>(meta["shuffle_order_shards"]!, path),
                Json.Deserialize<int[]>(meta["shuffle_order_groups"]!, path),
                meta["shuffle_next"]!.GetValue<int>(),
                tensors["data/slots"].data<long>().ToArray());
            var restored = new TrainingCheckpoint(
                meta["next_step"]!.GetValue<long>(),
                meta["input_scale"]!.GetValue<double>(),
                meta["training_seconds"]!.GetValue<double>(),
                header.Metadata.GetValueOrDefault("log", ""),
                meta["last_stats"] is { } stats ? Json.Deserialize<StepStats>(stats, path) : null,
                shuffle);
            using (no_grad())
                foreach (var (target, source) in copies) target.copy_(source);
            trainer.Adam.Restore(m, v, adamStep);
            if (objectiveState is not null) trainer.Objective.RestoreState(objectiveState);
            trainer.ResampleGenerator.set_state(generatorState);
            return restored;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or NullReferenceException or FormatException or PipelineException)
        {
            why = $"not a checkpoint of this SAE ({e.Message})";
            return null;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    static Tensor Take(Dictionary<string, Tensor> tensors, string name, Tensor like)
    {
        if (!tensors.TryGetValue(name, out var t)) throw new KeyNotFoundException($"no tensor '{name}'");
        if (!t.shape.SequenceEqual(like.shape) || t.dtype != like.dtype)
            throw new InvalidOperationException($"tensor '{name}' is {t.dtype} [{string.Join(",", t.shape)}], expected {like.dtype} [{string.Join(",", like.shape)}]");
        return t.to(like.device);
    }

    public static void Delete(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
