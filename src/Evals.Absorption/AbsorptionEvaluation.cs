using SaePipeline.Config;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.Absorption;

/// <summary>One letter's result (a row of SAEBench's eval_result_details, plus what it was computed from).</summary>
/// <param name="KSparseF1">Test F1 of the k-sparse probe for k = 1 … max_k.</param>
public sealed record LetterAbsorption(
    string Letter, double MeanAbsorptionFraction, double FullAbsorptionRate, int NumFullAbsorption, int NumProbeTruePositives,
    IReadOnlyList<int> MainLatents, double ProbeF1, IReadOnlyList<double> KSparseF1);

/// <summary>
/// One seed's absorption of one SAE. <see cref="Scored"/> is false when the letter probe clears min_gt_probe_f1 on fewer
/// than min_feats_for_eval letters (SAEBench then declines: the model's first-letter knowledge is too weak to measure
/// absorption against); the letters' results are still listed.
/// </summary>
public sealed record SeedAbsorption(long Seed, bool Scored, int LettersAboveMinF1, IReadOnlyList<LetterAbsorption> Letters)
{
    /// <summary>SAEBench's mean metrics: means and sample standard deviations over the letters with probe true positives.</summary>
    public IReadOnlyDictionary<string, double> Metrics()
    {
        var result = new Dictionary<string, double>();
        if (!Scored || Letters.Count == 0) return result;
        foreach (var (key, values) in new[]
                 {
                     ("absorption_fraction_score", Letters.Select(l => l.MeanAbsorptionFraction)),
                     ("full_absorption_score", Letters.Select(l => l.FullAbsorptionRate)),
                     ("num_split_features", Letters.Select(l => (double)l.MainLatents.Count)),
                 })
        {
            var (mean, std, _) = SeedStatistics.Of(values);
            result[$"mean_{key}"] = mean;
            if (double.IsFinite(std)) result[$"std_dev_{key}"] = std;
        }
        return result;
    }
}

/// <summary>
/// Scores one SAE on one seed's letter words: encode the train, test and absorption activations; k-sparse probes on
/// the train latents; each letter's main latents from the test F1s (<see cref="FeatureSplits"/>); then every word
/// the letter probe recognises through <see cref="AbsorptionCalculator"/>, and SAEBench's per-letter aggregates.
/// </summary>
public static class AbsorptionEvaluation
{
    public static SeedAbsorption Evaluate(SparseAutoencoder sae, FirstLetterSeed seed, FirstLetterTensors t, AbsorptionConfig s, Device device)
    {
        using var scope = NewDisposeScope();
        int d = t.Dim;
        if (d != sae.DIn) throw new ArgumentException($"the SAE takes d_in = {sae.DIn}, but the letter activations have d = {d}");
        var trainLetters = seed.TrainWords.Select(FirstLetterVocabulary.LetterOf).ToArray();
        var testLetters = seed.TestWords.Select(FirstLetterVocabulary.LetterOf).ToArray();
        var trainLatents = Encode(sae, t.TrainActs, d, device);
        var probes = KSparseLetterProbes.Train(trainLatents, trainLetters, s, seed.Seed);
        var testLatents = ToArray(Encode(sae, t.TestActs, d, device));
        var absorptionLatents = ToArray(Encode(sae, t.AbsorptionActs, d, device));
        int dSae = sae.DSae;
        var decoder = sae.W_dec.detach().to(float32).cpu();
        var decoderNorms = decoder.norm(1);

        int above = seed.Letters.Count(l => l.F1 > s.MinGtProbeF1);
        var letters = new List<LetterAbsorption>();
        for (int c = 0; c < 26; c++)
        {
            // Rows of the absorption activations: the test words of this letter that the letter probe recognises.
            var words = Enumerable.Range(0, seed.AbsorptionWords.Count).Where(r => testLetters[seed.AbsorptionWords[r]] == c).ToList();
            if (words.Count == 0 || probes.Probes[c][0] is null) continue;      // SAEBench aggregates letters with probe true positives
            var ks = probes.Probes[c].TakeWhile(p => p is not null).Select(p => p!).ToList();
            var truth = testLetters.Select(l => l == c).ToList();
            var f1 = ks.Select(p => BinaryScores.Of(truth, Enumerable.Range(0, truth.Count).Select(i => p.Score(testLatents.AsSpan(i * dSae, dSae)) > 0).ToList()).F1).ToList();
            var main = FeatureSplits.MainLatents(f1, ks.Select(p => (IReadOnlyList<int>)p.Latents).ToList(), s.F1JumpThreshold);

            var direction = t.Probe.UnitDirection(c);
            using var u = tensor(direction);
            var cosines = (decoder.matmul(u) / decoderNorms.clamp_min(1e-12)).data<float>().ToArray();
            double fractions = 0;
            int full = 0;
            foreach (int row in words)
            {
                var acts = t.AbsorptionActs.AsSpan(row * d, d);
                double projection = 0;
                for (int j = 0; j < d; j++) projection += (double)acts[j] * direction[j];
                var result = AbsorptionCalculator.Score(absorptionLatents.AsSpan(row * dSae, dSae), cosines, projection, main, s);
                fractions += result.AbsorptionFraction;
                if (result.IsFullAbsorption) full++;
            }
            letters.Add(new LetterAbsorption(FirstLetterVocabulary.Letters[c].ToString(), fractions / words.Count, (double)full / words.Count, full, words.Count,
                                             main, seed.Letters[c].F1, f1));
        }
        return new SeedAbsorption(seed.Seed, above >= s.MinFeatsForEval, above, letters);
    }

    /// <summary>The SAE's latents of row-major activations, in float32 on the device, a few thousand rows at a time.</summary>
    static Tensor Encode(SparseAutoencoder sae, float[] acts, int d, Device device)
    {
        int n = acts.Length / d;
        var result = empty([n, sae.DSae], float32, device);
        using var noGrad = no_grad();
        for (int start = 0; start < n; start += 4096)
        {
            using var chunk = NewDisposeScope();
            int rows = Math.Min(4096, n - start);
            var x = tensor(acts.AsSpan(start * d, rows * d).ToArray(), [rows, d]).to(device).to(sae.Dtype);
            result.narrow(0, start, rows).copy_(sae.Encode(x).to(float32));
        }
        return result;
    }

    static float[] ToArray(Tensor t) => t.cpu().contiguous().data<float>().ToArray();
}
