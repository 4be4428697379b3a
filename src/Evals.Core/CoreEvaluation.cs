using SaePipeline.Activations.Core;
using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Core;

/// <summary>
/// The SAE-dependent part of SAEBench's core evaluation, batch by batch over the reference batches (from the shared-pass
/// cache or computed on the spot): encode the hook's activations once; on reconstruction batches splice the
/// reconstruction into the model (the original kept at BOS/EOS/PAD when asked) and compare its next-token
/// distributions with the clean and zero-ablated ones; on sparsity batches feed the per-token statistics.
/// </summary>
public static class CoreEvaluation
{
    public sealed record Result(DownstreamResult Downstream, SparsityVarianceResult SparsityVariance);

    /// <param name="resume">Run the spliced pass from the batch's stored activations instead of from the tokens (same logits, fewer layers).</param>
    /// <param name="batchDone">Called after each batch with its index.</param>
    public static Result Run(LanguageModel model, HookPoint hook, SparseAutoencoder sae, IEnumerable<CoreBatch> batches, CoreStreamSettings stream,
                             SpecialTokens special, bool excludeSpecialTokens, bool resume, Action<int>? batchDone = null)
    {
        var downstream = new DownstreamMetrics();
        var sparsity = new SparsityVarianceMetrics(sae.DIn, sae.DSae);
        foreach (var batch in batches)
            // No collections during the tensor work: without the shared-pass cache, rows are generated on another thread meanwhile.
            using (batch)
            using (var noCollections = Runtime.NoCollections.During())
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            {
                var kept = CorePasses.Kept(batch.Tokens, special).to(model.Device);
                long b = batch.Tokens.shape[0], t = batch.Tokens.shape[1];
                // The SAE runs in its own dtype (the model's, as SAEBench casts it); the splice gets the reconstruction in the
                // activation's dtype, and the statistics are accumulated in float32.
                var f = sae.Encode(batch.Activations.reshape(b * t, sae.DIn).to(sae.Dtype));
                var xHat = sae.Decode(f).reshape(b, t, sae.DIn);
                if (stream.IsReconstruction(batch.Index))
                {
                    var reference = batch.Reference
                                    ?? throw new InvalidOperationException($"reconstruction batch {batch.Index} came without its reference passes");
                    var spliced = xHat.to(batch.Activations.dtype);
                    var splice = new HookReplacement(_ => spliced, excludeSpecialTokens ? kept : null);
                    var logits = CorePasses.SplicedLogits(model, hook, batch, splice, resume);
                    var (kl, loss) = CorePasses.KlAndLoss(model.LogitsOf(reference.FinalResidual), logits, batch.Tokens);
                    downstream.AddBatch(kept, kl, loss, reference);
                }
                if (stream.IsSparsityVariance(batch.Index))
                    sparsity.AddBatch(batch.Activations.to(ScalarType.Float32), xHat.to(ScalarType.Float32), f.reshape(b, t, sae.DSae).to(ScalarType.Float32), kept);
                batchDone?.Invoke(batch.Index);
            }
        return new Result(downstream.Result(), sparsity.Result());
    }

    /// <summary>The reference batches computed on the spot from packed rows, as SAEBench runs them for every SAE (no shared-pass cache).</summary>
    public static IEnumerable<CoreBatch> Direct(LanguageModel model, HookPoint hook, IEnumerable<int[]> rows, CoreStreamSettings stream)
    {
        int index = 0;
        foreach (var ids in CoreTokenStream.Batches(rows, stream))
            using (ids)
            {
                yield return CorePasses.Reference(model, hook, index, ids, stream.IsReconstruction(index));
                index++;
            }
        if (index < stream.Batches)
            throw new Runtime.PipelineException($"the rows fill only {index} batches of {stream.BatchSizePrompts} rows × {stream.ContextSize} tokens; " +
                                                $"evals.core needs {stream.Batches}", "evaluate-core");
    }
}
