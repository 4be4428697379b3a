using System.Text.Json.Nodes;
using SaePipeline.Activations.Labelled;
using SaePipeline.Config;
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
public sealed class PrecisionAdversarialObjective : AddedTermObjective
{
    readonly PrecisionAdversarialConfig settings;
    readonly PrecisionAdversarialSettings terms;
    readonly FrozenScrProbes probes;
    readonly LabelledTexts train;
    readonly long seed;
    // Both splits' tokens live on the device for the whole run. Building them per step would allocate tens of MB of
    // managed arrays inside a step, more than a step's no-collection region allows while the batch prefetch allocates
    // too (see NoCollections: a collection then can free a TorchSharp Scalar mid-call).
    readonly TextTensors trainTensors, testTensors;

    sealed record TextTensors(Tensor Acts, Tensor Text, Tensor Target, Tensor Spurious, int Count) : IDisposable
    {
        public static TextTensors Of(LabelledTexts texts, Device device)
        {
            using var scope = NewDisposeScope();
            var (acts, text, target, spurious) = texts.Batch(Enumerable.Range(0, texts.Count).ToList(), device);
            return new TextTensors(acts.DetachFromDisposeScope(), text.DetachFromDisposeScope(), target.DetachFromDisposeScope(),
                                   spurious.DetachFromDisposeScope(), texts.Count);
        }

        public void Dispose()
        {
            Acts.Dispose();
            Text.Dispose();
            Target.Dispose();
            Spurious.Dispose();
        }
    }

    public PrecisionAdversarialObjective(SaeConfig config, SaeObjective architecture, PrecisionAdversarialConfig settings, FrozenScrProbes probes,
                                         LabelledTexts train, LabelledTexts test, long seed)
        : base(config, architecture)
    {
        this.settings = settings;
        terms = PrecisionAdversarialSettings.From(settings);
        this.probes = probes;
        this.train = train;
        this.seed = seed;
        var device = architecture.Sae.W_enc.device;
        trainTensors = TextTensors.Of(train, device);
        testTensors = TextTensors.Of(test, device);
    }

    /// <summary>Tokens encoded at once when the whole of a split is pooled.</summary>
    const int TokensPerChunk = 16_384;
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
        var (acts, text, target) = Gather(texts);
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

    /// <summary>The tokens of some train texts, each token's index among them, and their profession labels.</summary>
    (Tensor Acts, Tensor Text, Tensor Target) Gather(IReadOnlyList<int> texts)
    {
        int tokens = texts.Sum(t => train.TokensOf(t).End - train.TokensOf(t).Start);
        var rows = new long[tokens];
        var index = new long[tokens];
        int at = 0;
        for (int e = 0; e < texts.Count; e++)
            for (var (token, end) = train.TokensOf(texts[e]); token < end; token++, at++)
            {
                rows[at] = token;
                index[at] = e;
            }
        var device = trainTensors.Acts.device;
        var textIds = tensor(texts.Select(t => (long)t).ToArray(), device: device);
        return (trainTensors.Acts.index_select(0, tensor(rows, device: device)), tensor(index, device: device),
                trainTensors.Target.index_select(0, textIds));
    }

    /// <summary>Per text of a split, the mean over its tokens of the SAE's latents (or, with <paramref name="decode"/>, of its reconstruction with the ablated latents zeroed, in raw units).</summary>
    Tensor Pooled(TextTensors split, bool decode)
    {
        int width = decode ? Sae.DIn : Sae.DSae;
        var sums = zeros([split.Count, width], ScalarType.Float32, split.Acts.device);
        long n = split.Acts.shape[0];
        for (long start = 0; start < n; start += TokensPerChunk)
        {
            using var chunk = NewDisposeScope();
            long end = Math.Min(n, start + TokensPerChunk);
            var f = Sae.Encode(split.Acts.narrow(0, start, end - start) * InputScale);
            if (decode && ablated.Length > 0) f = f.index_fill(1, tensor(ablated, device: f.device), 0);
            sums.index_add_(0, split.Text.narrow(0, start, end - start), decode ? Sae.Decode(f) / InputScale : f, 1);
        }
        var counts = zeros([split.Count], ScalarType.Float32, split.Acts.device).index_add(0, split.Text, ones_like(split.Text, ScalarType.Float32), 1);
        return sums / counts.clamp_min(1).unsqueeze(1);
    }

    /// <summary>Chooses the top-N gender latents on the train texts and measures λ on the test texts, both without gradient.</summary>
    void Refresh(long step)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        ablated = PrecisionAdversarialTerms.TopGenderLatents(Pooled(trainTensors, decode: false), trainTensors.Spurious, Sae, probes.GenderWeight, terms.AblatedLatents);
        var pooled = Pooled(testTensors, decode: true);
        genderAccuracy = Accuracy(probes.GenderLogits(pooled), testTensors.Spurious);
        professionAccuracy = Accuracy(probes.ProfessionLogits(pooled), testTensors.Target);
        lambda = PrecisionAdversarialTerms.Lambda(genderAccuracy, professionAccuracy, terms);
        refreshedAt = step;
    }

    static double Accuracy(Tensor logits, Tensor labels) => logits.gt(0).eq(labels.gt(0.5)).to(ScalarType.Float64).mean().item<double>();

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

    public override void Dispose()
    {
        probes.Dispose();
        trainTensors.Dispose();
        testTensors.Dispose();
    }
}
