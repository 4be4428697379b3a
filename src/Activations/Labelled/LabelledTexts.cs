using SaePipeline.Data.ProbeSets;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Activations.Labelled;

/// <summary>
/// The texts of one SCR pair held in memory for training on them: every real token's activation (BOS/EOS/PAD left
/// out), the text it belongs to, and per text its two labels, target (1 = the pair's positive class P, e.g. professor)
/// and spurious (1 = S+, e.g. male). The texts are the pair's four quadrants, as SCR's keys list them: target = membership
/// of "professor / nurse" (P∧S+ ∪ P∧S−), spurious = membership of "male / female" (P∧S+ ∪ N∧S+). This is what the
/// precision-targeted adversarial objective pools its reconstructions over and shows the frozen probes.
/// </summary>
public sealed class LabelledTexts
{
    LabelledTexts(float[] acts, int[] text, int dIn, float[] target, float[] spurious, int[] docs)
    {
        Acts = acts;
        Text = text;
        DIn = dIn;
        Target = target;
        Spurious = spurious;
        Docs = docs;
        var starts = new int[docs.Length + 1];
        foreach (int t in text) starts[t + 1]++;
        for (int i = 0; i < docs.Length; i++) starts[i + 1] += starts[i];
        tokenStart = starts;
    }

    readonly int[] tokenStart;

    /// <summary>Real tokens' activations, row-major [tokens, d_in], grouped by text in text order.</summary>
    public float[] Acts { get; }

    /// <summary>Each token's text index.</summary>
    public int[] Text { get; }

    public int DIn { get; }
    public float[] Target { get; }
    public float[] Spurious { get; }

    /// <summary>Each text's row in its split (the cache's doc).</summary>
    public int[] Docs { get; }

    public int Count => Docs.Length;

    /// <summary>The tokens of text <paramref name="text"/>: rows [Start, End) of <see cref="Acts"/>.</summary>
    public (int Start, int End) TokensOf(int text) => (tokenStart[text], tokenStart[text + 1]);

    /// <summary>The pair's texts of one split of an SCR labelled cache, whose probe sets are <paramref name="sets"/>.</summary>
    public static LabelledTexts Load(ActivationCache cache, string split, ProbeSetFile sets, ScrPairRows pair)
    {
        if (pair.Skipped is not null) throw new PipelineException($"SCR pair {pair.Name} was skipped ({pair.Skipped}); choose another pair", cache.Dir);
        Func<ProbeClassRows, IReadOnlyList<int>> rowsOf = split == Data.DatasetSource.Train ? k => k.Train : k => k.Test;
        var positive = rowsOf(pair.Key(ScrKeys.Target)).ToHashSet();
        var male = rowsOf(pair.Key(ScrKeys.Spurious)).ToHashSet();
        var docs = positive.Concat(rowsOf(pair.Key(ScrKeys.TargetNegatives))).Distinct().Order().ToArray();
        var perText = docs.Select(_ => new List<float[]>()).ToArray();
        // The cache holds every text of every pair and key; the reader indexes them all, and only this pair's are kept.
        var cached = sets.RowsOf(split);
        var ours = docs.Select((doc, i) => (doc, i)).ToDictionary(x => x.doc, x => x.i);
        var indexOfCached = cached.Select(doc => ours.TryGetValue(doc, out int i) ? i : -1).ToArray();
        LabelledTokens.ForEachChunk(cache, split, cached, chunk =>
        {
            for (int t = 0; t < chunk.Count; t++)
                if (chunk.Valid[t] != 0 && indexOfCached[chunk.Row[t]] is int e and >= 0)
                    perText[e].Add(chunk.Acts.AsSpan(t * cache.DIn, cache.DIn).ToArray());
        });
        var acts = perText.SelectMany(x => x).SelectMany(x => x).ToArray();
        var text = perText.SelectMany((x, i) => Enumerable.Repeat(i, x.Count)).ToArray();
        return new LabelledTexts(acts, text, cache.DIn, docs.Select(d => positive.Contains(d) ? 1f : 0f).ToArray(),
                                 docs.Select(d => male.Contains(d) ? 1f : 0f).ToArray(), docs);
    }

    /// <summary>
    /// The tokens of some texts as tensors: activations [N, d_in], each token's index among <paramref name="texts"/>
    /// [N] int64, and the texts' target and spurious labels [E].
    /// </summary>
    public (Tensor Acts, Tensor Text, Tensor Target, Tensor Spurious) Batch(IReadOnlyList<int> texts, Device device)
    {
        int tokens = texts.Sum(t => tokenStart[t + 1] - tokenStart[t]);
        var acts = new float[tokens * DIn];
        var index = new long[tokens];
        int at = 0;
        for (int e = 0; e < texts.Count; e++)
            for (int token = tokenStart[texts[e]]; token < tokenStart[texts[e] + 1]; token++, at++)
            {
                Acts.AsSpan(token * DIn, DIn).CopyTo(acts.AsSpan(at * DIn, DIn));
                index[at] = e;
            }
        return (tensor(acts, [tokens, DIn]).to(device), tensor(index).to(device),
                tensor(texts.Select(t => Target[t]).ToArray()).to(device), tensor(texts.Select(t => Spurious[t]).ToArray()).to(device));
    }
}
