using SaePipeline.Activations.Labelled;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The two probes of one SCR pair that the precision-targeted adversarial objective keeps frozen: the spurious probe
/// ("male / female", gender) and the target probe ("professor / nurse", profession), as TrainProbes trained them for a
/// seed. Their logits on pooled vectors are differentiable in the vectors, never in the probes.
/// </summary>
public sealed class FrozenScrProbes : IDisposable
{
    public FrozenScrProbes(LinearProbe gender, LinearProbe profession, Device device)
    {
        GenderWeight = tensor(gender.Weight).to(device);
        GenderBias = gender.Bias;
        ProfessionWeight = tensor(profession.Weight).to(device);
        ProfessionBias = profession.Bias;
    }

    public Tensor GenderWeight { get; }
    public float GenderBias { get; }
    public Tensor ProfessionWeight { get; }
    public float ProfessionBias { get; }

    /// <summary>The pair's probes of <paramref name="seed"/> from a TrainProbes folder (scr-&lt;data set&gt;).</summary>
    public static FrozenScrProbes Load(string probesDir, long seed, string pair, Device device)
    {
        var (_, probes) = ProbeFile.Load(probesDir);
        LinearProbe Get(string key) => probes.TryGetValue(ProbeFile.TensorId(seed, pair, key), out var probe) ? probe
            : throw new PipelineException($"{probesDir} has no '{key}' probe of pair {pair} for seed {seed} (its pairs: " +
                                          $"{string.Join(", ", probes.Keys.Select(k => k.Split('/')[1]).Distinct())})", probesDir);
        return new FrozenScrProbes(Get(ScrKeys.Spurious), Get(ScrKeys.Target), device);
    }

    public Tensor GenderLogits(Tensor pooled) => pooled.matmul(GenderWeight) + GenderBias;

    public Tensor ProfessionLogits(Tensor pooled) => pooled.matmul(ProfessionWeight) + ProfessionBias;

    /// <summary>
    /// A_gender and A_prof for λ(t): each probe's accuracy (logit &gt; 0 against its label) on the texts' pooled
    /// reconstructions with <paramref name="ablated"/> latents zeroed, the state the adversarial term trains towards.
    /// An SAE in training takes activations × <paramref name="inputScale"/> and its reconstructions are divided by it.
    /// </summary>
    public (double Gender, double Profession) Accuracies(SparseAutoencoder sae, LabelledTexts texts, IReadOnlyCollection<long> ablated, Device device,
                                                         double inputScale = 1.0, int textsPerChunk = 256)
    {
        using var noGrad = no_grad();
        long genderRight = 0, professionRight = 0;
        for (int start = 0; start < texts.Count; start += textsPerChunk)
        {
            using var scope = NewDisposeScope();
            var chunk = Enumerable.Range(start, Math.Min(textsPerChunk, texts.Count - start)).ToList();
            var (acts, text, target, spurious) = texts.Batch(chunk, device);
            var pooled = PrecisionAdversarialTerms.PooledReconstruction(sae, sae.Encode(acts * inputScale), text, chunk.Count, ablated) / inputScale;
            genderRight += GenderLogits(pooled).gt(0).eq(spurious.gt(0.5)).sum().item<long>();
            professionRight += ProfessionLogits(pooled).gt(0).eq(target.gt(0.5)).sum().item<long>();
        }
        return ((double)genderRight / texts.Count, (double)professionRight / texts.Count);
    }

    public void Dispose()
    {
        GenderWeight.Dispose();
        ProfessionWeight.Dispose();
    }
}
