using SaePipeline.Evals.SparseProbing;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Probes;
using Xunit;

namespace SaePipeline.Tests.SparseProbing;

/// <summary>The sae-probes protocol's metrics and probes, against counts done by hand and a planted latent.</summary>
public sealed class SaeProbesTests
{
    [Fact]
    public void AucIsTheShareOfPositiveNegativePairsRankedRightTiesCountingHalf()
    {
        var random = new Random(2);
        var truth = Enumerable.Range(0, 60).Select(i => i % 3 == 0).ToList();
        var scores = truth.Select(t => Math.Round(random.NextDouble() + (t ? 0.3 : 0), 1)).ToList();   // rounding makes ties
        double pairs = 0, wins = 0;
        for (int i = 0; i < truth.Count; i++)
            for (int j = 0; j < truth.Count; j++)
                if (truth[i] && !truth[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        Assert.Equal(wins / pairs, BinaryTaskScores.RocAuc(truth, scores), 12);
    }

    [Fact]
    public void WeightedF1WeighsEachClassF1ByItsSupport()
    {
        // 4 positives, 6 negatives; predicted positive: 3 of the positives and 1 negative.
        bool[] truth = [true, true, true, true, false, false, false, false, false, false];
        double[] logits = [1, 1, 1, -1, 1, -1, -1, -1, -1, -1];
        var s = BinaryTaskScores.Of(truth, logits);
        double f1Positive = 2.0 * 3 / (2 * 3 + 1 + 1), f1Negative = 2.0 * 5 / (2 * 5 + 1 + 1);
        Assert.Equal((4 * f1Positive + 6 * f1Negative) / 10, s.F1, 12);
        Assert.Equal(0.8, s.Accuracy, 12);
    }

    /// <summary>64 latents of noise but latent 37, which fires (about 2) only on the positive class; the model's 8 dimensions are noise.</summary>
    static (SaeProbesTask Task, LastTokenRows Train, LastTokenRows Test) Planted(bool plant)
    {
        const int dSae = 64, dModel = 8, nTrain = 200, nTest = 100;
        var random = new Random(4);
        LastTokenRows Rows(int n, float[] labels)
        {
            var latents = new float[n * dSae];
            var acts = new float[n * dModel];
            for (int r = 0; r < n; r++)
            {
                for (int i = 0; i < dSae; i++) latents[r * dSae + i] = random.NextDouble() < 0.3 ? (float)random.NextDouble() : 0;
                if (plant) latents[r * dSae + 37] = labels[r] > 0.5f ? (float)(1.5 + random.NextDouble()) : 0;
                for (int d = 0; d < dModel; d++) acts[r * dModel + d] = (float)(random.NextDouble() * 2 - 1);
            }
            return new LastTokenRows(acts, dModel, latents, dSae);
        }
        var trainLabels = Enumerable.Range(0, nTrain).Select(i => (float)(i % 2)).ToArray();
        var testLabels = Enumerable.Range(0, nTest).Select(i => (float)(i % 2)).ToArray();
        var task = new SaeProbesTask("planted/one", Enumerable.Range(0, nTrain).ToArray(), trainLabels, Enumerable.Range(0, nTest).ToArray(), testLabels);
        return (task, Rows(nTrain, trainLabels), Rows(nTest, testLabels));
    }

    [Fact]
    public void APlantedLatentRanksFirstAndItsOneLatentProbeIsPerfect()
    {
        var (task, train, test) = Planted(plant: true);
        Assert.Equal(37, SaeProbesEvaluation.RankLatents(train.Latents, train.DSae, task.TrainRows, task.TrainLabels)[0]);
        var r = SaeProbesEvaluation.Evaluate(task, train, test, [1, 2], seed: 42, llm: default);
        Assert.Equal(1.0, r.Sae[1].Auc);
        Assert.Equal(1.0, r.Sae[1].Accuracy);
        var llm = SaeProbesProbe.Score(task, train.Acts, test.Acts, train.DModel, Enumerable.Range(0, train.DModel).ToArray(), SaeProbesProbe.Folds(42, task, "llm"));
        Assert.InRange(llm.Auc, 0.3, 0.7);      // the model's dimensions carry nothing here
    }

    [Fact]
    public void WithoutThePlantedLatentTheProbesAreAtChance()
    {
        var (task, train, test) = Planted(plant: false);
        var r = SaeProbesEvaluation.Evaluate(task, train, test, [1, 2], seed: 42, llm: default);
        Assert.InRange(r.Sae[1].Auc, 0.3, 0.7);
        Assert.InRange(r.Sae[2].Auc, 0.3, 0.7);
    }

    [Fact]
    public void EachClassIsATaskButATwoClassDataSetIsOne()
    {
        static ProbeClassRows Class(string key, int first) => new(key, Enumerable.Range(first, 10).ToList(), Enumerable.Range(first, 10).ToList());
        var four = new SparseProbingSubsetRows("news", "news_results", [new TppSeedRows(1, [Class("a", 0), Class("b", 10), Class("c", 20), Class("d", 30)], [])]);
        var two = new SparseProbingSubsetRows("sentiment", "sentiment_results", [new TppSeedRows(1, [Class("1.0", 0), Class("5.0", 10)], [])]);
        Assert.Equal(["news_results/a", "news_results/b", "news_results/c", "news_results/d"],
                     SaeProbesTask.Of(four, four.Seeds[0], 64, 64, (_, doc) => doc).Select(t => t.Name));
        var task = Assert.Single(SaeProbesTask.Of(two, two.Seeds[0], 64, 64, (_, doc) => doc));
        Assert.Equal("sentiment_results/1.0", task.Name);
        // Balanced: the ten rows of class 1.0 against the ten of class 5.0.
        Assert.Equal(Enumerable.Range(0, 20), task.TrainRows.Order());
        Assert.Equal(10, task.TrainLabels.Count(y => y == 1f));
    }
}
