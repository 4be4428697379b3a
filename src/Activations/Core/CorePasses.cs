using SaePipeline.Models;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Activations.Core;

/// <summary>
/// What the SAE-independent passes give for a reconstruction batch: enough to score any SAE's splice against the clean
/// model and the zero-ablated one without running either again.
/// </summary>
/// <param name="FinalResidual">[B, T, d_model] in the model's dtype: the last block's output; <see cref="LanguageModel.LogitsOf"/>
/// turns it back into the clean logits, bit for bit, at d_model/V of their size.</param>
/// <param name="CleanLoss">[B, T−1] next-token CE of the clean model.</param>
/// <param name="AblatedLoss">[B, T−1] next-token CE with the hook's activation zeroed at every position.</param>
/// <param name="AblatedKl">[B, T] KL(clean ‖ zero-ablated) per position.</param>
public sealed record ReconReference(Tensor FinalResidual, Tensor CleanLoss, Tensor AblatedLoss, Tensor AblatedKl) : IDisposable
{
    public void Dispose()
    {
        FinalResidual.Dispose();
        CleanLoss.Dispose();
        AblatedLoss.Dispose();
        AblatedKl.Dispose();
    }
}

/// <summary>One batch of core evaluation's rows: the tokens [B, T] int64, the activations [B, T, d] at the hook in the model's
/// dtype, and, for the first n_eval_reconstruction_batches batches, the <see cref="ReconReference"/>.</summary>
public sealed record CoreBatch(int Index, Tensor Tokens, Tensor Activations, ReconReference? Reference) : IDisposable
{
    public void Dispose()
    {
        Tokens.Dispose();
        Activations.Dispose();
        Reference?.Dispose();
    }
}

/// <summary>
/// The forward passes of SAEBench's core evaluation (docs/saebench.md §1.3), as tensors per position. KL is computed
/// from log-softmaxes, which equals SAEBench's softmax-then-log whenever that does not underflow to NaN (SAEBench then
/// writes −1; see the spec).
/// </summary>
public static class CorePasses
{
    /// <summary>The SAE-independent passes of one batch: the clean forward, and the zero ablation for a reconstruction batch.</summary>
    /// <remarks>Runs without garbage collections (<see cref="NoCollections"/>): the token stream is generated and tokenized
    /// on another thread meanwhile.</remarks>
    public static CoreBatch Reference(LanguageModel model, HookPoint hook, int index, Tensor tokens, bool reconstruction)
    {
        using var noCollections = NoCollections.During();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = tokens.to(ScalarType.Int64);
        if (!reconstruction)
        {
            var acts = model.Forward(ids, null, new ForwardRequest { Capture = [hook.Name], StopAtLayer = hook.Layer }).Activations[hook.Name];
            return new CoreBatch(index, ids.cpu().MoveToOuterDisposeScope(), acts.MoveToOuterDisposeScope(), null);
        }
        var clean = model.Forward(ids, null, new ForwardRequest { Logits = true, Capture = [hook.Name, model.FinalResidualHook] });
        var ablated = model.Forward(ids, null, new ForwardRequest
        {
            Logits = true,
            Replace = new Dictionary<string, HookReplacement> { [hook.Name] = HookReplacement.ZeroAblation() },
        });
        var reference = new ReconReference(
            clean.Activations[model.FinalResidualHook].MoveToOuterDisposeScope(),
            TokenLoss(clean.Logits!, ids).MoveToOuterDisposeScope(),
            TokenLoss(ablated.Logits!, ids).MoveToOuterDisposeScope(),
            TokenKl(clean.Logits!, ablated.Logits!).MoveToOuterDisposeScope());
        return new CoreBatch(index, ids.cpu().MoveToOuterDisposeScope(), clean.Activations[hook.Name].MoveToOuterDisposeScope(), reference);
    }

    /// <summary>
    /// Logits with <paramref name="replacement"/> spliced in at the hook. Resumed from the batch's activations at a
    /// residual-stream hook (<paramref name="resume"/>), or a full pass from the tokens as SAEBench runs it; the two give
    /// the same logits (a test holds them to it).
    /// </summary>
    public static Tensor SplicedLogits(LanguageModel model, HookPoint hook, CoreBatch batch, HookReplacement replacement, bool resume)
    {
        var request = new ForwardRequest { Logits = true, Replace = new Dictionary<string, HookReplacement> { [hook.Name] = replacement } };
        bool canResume = hook.Kind is HookKind.ResidPost or HookKind.ResidPre;
        using var result = resume && canResume
            ? model.ForwardFrom(hook.Name, batch.Activations, batch.Tokens, request)
            : model.Forward(batch.Tokens, null, request);
        return result.Logits!.alias();
    }

    /// <summary>Logits with <paramref name="activation"/> in place of the hook's activation.</summary>
    public static Tensor LogitsWith(LanguageModel model, HookPoint hook, Tensor activation, Tensor ids)
    {
        var request = new ForwardRequest { Logits = true };
        using var result = hook.Kind is HookKind.ResidPost or HookKind.ResidPre
            ? model.ForwardFrom(hook.Name, activation, ids, request)
            : model.Forward(ids, null, request with
            {
                Replace = new Dictionary<string, HookReplacement> { [hook.Name] = new(_ => activation) },
            });
        return result.Logits!.alias();
    }

    /// <summary>Next-token CE per position, [B, T−1]: −log softmax(logits[:, t])[ids[:, t+1]] (TransformerLens's loss_per_token).</summary>
    public static Tensor TokenLoss(Tensor logits, Tensor ids)
    {
        using var scope = NewDisposeScope();
        return LossFromLogProbs(logits.log_softmax(-1), ids).MoveToOuterDisposeScope();
    }

    /// <summary>KL(p ‖ q) per position, [B, T], of the next-token distributions of two logit tensors: Σ_v p (log p − log q).</summary>
    public static Tensor TokenKl(Tensor referenceLogits, Tensor otherLogits)
    {
        using var scope = NewDisposeScope();
        return KlFromLogProbs(referenceLogits.log_softmax(-1), otherLogits.log_softmax(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="TokenKl"/> and <see cref="TokenLoss"/> of <paramref name="otherLogits"/> from one log-softmax of each
    /// [B, T, V] tensor: the same values, with one pass over the vocabulary fewer per batch.
    /// </summary>
    public static (Tensor Kl, Tensor Loss) KlAndLoss(Tensor referenceLogits, Tensor otherLogits, Tensor ids)
    {
        using var scope = NewDisposeScope();
        var logQ = otherLogits.log_softmax(-1);
        return (KlFromLogProbs(referenceLogits.log_softmax(-1), logQ).MoveToOuterDisposeScope(), LossFromLogProbs(logQ, ids).MoveToOuterDisposeScope());
    }

    static Tensor LossFromLogProbs(Tensor logProbs, Tensor ids) =>
        logProbs[.., ..^1].gather(-1, ids.to(logProbs.device)[.., 1..].unsqueeze(-1)).squeeze(-1).neg();

    static Tensor KlFromLogProbs(Tensor logP, Tensor logQ) => (logP.exp() * (logP - logQ)).sum(-1);

    /// <summary>[B, T] bool: the token is not BOS, EOS or PAD. SAEBench drops the other positions from every statistic.</summary>
    public static Tensor Kept(Tensor tokens, SpecialTokens special)
    {
        using var scope = NewDisposeScope();
        var kept = ones_like(tokens, ScalarType.Bool);
        foreach (var id in new[] { special.Bos, special.Eos, special.Pad }.OfType<int>().Distinct())
            kept = kept.logical_and(tokens.ne(id));
        return kept.MoveToOuterDisposeScope();
    }
}
