using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Probes;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// precision_adversarial (issue 8, part A): the architecture's objective plus, on a minibatch of an SCR pair's
/// labelled texts drawn beside every activation batch,
/// <code>L = L_architecture + λ(t)·L_adv + μ·L_preserve</code>
/// computed as follows (the terms themselves are in <see cref="PrecisionAdversarialTerms"/>):
/// <list type="number">
/// <item>Every K steps (and at the first), with no gradient: the SAE's current top-N gender latents are chosen as SCR
///   chooses them, from the pair's train texts (mean-pooled latents, |Δ class means| ⊙ |W_dec·w_gender|); then
///   A_gender and A_prof, the frozen probes' accuracies on the pooled reconstructions of the pair's test texts with
///   those N latents zeroed, give λ(t) = clamp(a·(A_gender − 1[A_prof &lt; τ]·A_prof), 0, λ_max). λ and the latents
///   stay fixed until the next refresh.</item>
/// <item>Every step: E texts drawn from the pair's train texts (a seeded sample per step). All their real tokens are
///   encoded; per text the reconstructions, with the N latents zeroed, are mean-pooled over its tokens, as the probes
///   were trained on mean-pooled activations.</item>
/// <item>L_adv = mean over the E texts of ln 2 − H(σ(z_gender)): the gender probe's confidence above chance on them.</item>
/// <item>L_preserve = the profession probe's BCE on the same ablated pooled reconstructions, averaged over the texts
///   whose true profession it gives a probability below the confidence threshold. It is measured after the ablation
///   because that is the state SCR scores: profession must survive removing the gender latents.</item>
/// </list>
/// Gradients reach the SAE through the encoder and decoder on these texts; the probes never change. With input
/// normalisation the texts are scaled like the training batches and the reconstructions scaled back before the probes.
/// </summary>
public sealed class PrecisionAdversarialObjective(
    SaeConfig config, SaeObjective architecture, PrecisionAdversarialConfig settings, FrozenScrProbes probes, LabelledTexts train, LabelledTexts test, long seed)
    : AddedTermObjective(config, architecture)
{
    readonly PrecisionAdversarialSettings terms = settings.Settings;
    double lambda, genderAccuracy = double.NaN, professionAccuracy = double.NaN;
    long[] ablated = [];
    long refreshedAt = -1;

    /// <summary>λ in force, and the accuracies and latents it was measured with (for tests and the manifest).</summary>
    public double Lambda => lambda;
    public (double Gender, double Profession) Accuracies => (genderAccuracy, professionAccuracy);
    public IReadOnlyList<long> AblatedLatents => ablated;

    public override IReadOnlyList<string> LogColumns =>
        ["lambda", "adversarial_loss", "preservation_loss", "preservation_masked", "gender_accuracy", "profession_accuracy"];

    protected override (Tensor Term, IReadOnlyDictionary<string, Tensor> Logged) Term(Tensor x, ObjectiveOutput output, StepContext step)
    {
        if (refreshedAt < 0 || step.Step % settings.LambdaEverySteps == 0) Refresh(step.Step);
        var texts = Sample(step.Step);
        var (acts, text, target, _) = train.Batch(texts, x.device);
        var f = Sae.Encode(acts * InputScale);
        var pooled = PrecisionAdversarialTerms.PooledReconstruction(Sae, f, text, texts.Count, ablated) / InputScale;
        var adversarial = PrecisionAdversarialTerms.AdversarialLoss(probes.GenderLogits(pooled));
        var professionLogits = probes.ProfessionLogits(pooled);
        var preservation = PrecisionAdversarialTerms.MaskedPreservationLoss(professionLogits, target, terms.ConfidenceThreshold);
        var masked = PrecisionAdversarialTerms.ConfidenceMask(professionLogits.detach(), target, terms.ConfidenceThreshold).to(ScalarType.Float32).mean();
        var term = lambda * adversarial + terms.PreservationWeight * preservation;
        return (term, new Dictionary<string, Tensor>
        {
            ["lambda"] = tensor((float)lambda),
            ["adversarial_loss"] = adversarial.detach(),
            ["preservation_loss"] = preservation.detach(),
            ["preservation_masked"] = masked,
            ["gender_accuracy"] = tensor((float)genderAccuracy),
            ["profession_accuracy"] = tensor((float)professionAccuracy),
        });
    }

    /// <summary>The E train texts of a step: a seeded sample without replacement that depends only on the seed and the step, so a resumed run draws the same.</summary>
    List<int> Sample(long step)
    {
        using var generator = TorchRuntime.Generator(seed, $"precision_adversarial/texts/{step}");
        using var order = randperm(train.Count, generator: generator);
        return order[..Math.Min(settings.TextsPerStep, train.Count)].data<long>().Select(i => (int)i).ToList();
    }

    /// <summary>Chooses the top-N gender latents on the train texts and measures λ on the test texts, both without gradient.</summary>
    void Refresh(long step)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = Sae.W_enc.device;
        var pooledLatents = new List<Tensor>();
        for (int start = 0; start < train.Count; start += 256)
        {
            var chunk = Enumerable.Range(start, Math.Min(256, train.Count - start)).ToList();
            var (acts, text, _, _) = train.Batch(chunk, device);
            var f = Sae.Encode(acts * InputScale);
            var sums = zeros([chunk.Count, Sae.DSae], f.dtype, device).index_add(0, text, f, 1);
            var counts = zeros([chunk.Count], f.dtype, device).index_add(0, text, ones_like(text, f.dtype), 1).clamp_min(1);
            pooledLatents.Add(sums / counts.unsqueeze(1));
        }
        var spurious = tensor(train.Spurious).to(device);
        ablated = PrecisionAdversarialTerms.TopGenderLatents(cat(pooledLatents, 0), spurious, Sae, probes.GenderWeight, terms.AblatedLatents);
        (genderAccuracy, professionAccuracy) = probes.Accuracies(Sae, test, ablated, device, InputScale);
        lambda = PrecisionAdversarialTerms.Lambda(genderAccuracy, professionAccuracy, terms);
        refreshedAt = step;
    }

    public override JsonObject? SaveState() => new()
    {
        ["lambda"] = lambda,
        ["gender_accuracy"] = genderAccuracy,
        ["profession_accuracy"] = professionAccuracy,
        ["ablated"] = new JsonArray(ablated.Select(i => (JsonNode)i).ToArray()),
        ["refreshed_at"] = refreshedAt,
    };

    public override void RestoreState(JsonObject state)
    {
        lambda = state["lambda"]!.GetValue<double>();
        genderAccuracy = state["gender_accuracy"]!.GetValue<double>();
        professionAccuracy = state["profession_accuracy"]!.GetValue<double>();
        ablated = state["ablated"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
        refreshedAt = state["refreshed_at"]!.GetValue<long>();
    }

    public override void Dispose() => probes.Dispose();
}
