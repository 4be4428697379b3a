using System.Text;
using Microsoft.ML.Tokenizers;

namespace SaePipeline.Models.Tokenizers;

/// <summary>The special-token ids a model family uses (null when the family has none).</summary>
public sealed record SpecialTokens(int? Bos, int? Eos, int? Pad);

/// <summary>
/// A model's tokenizer: text → ids exactly as the HuggingFace tokenizer (no special tokens added), ids → text, and the
/// BOS/EOS/PAD ids. <see cref="EncodeForModel"/> prepends BOS as TransformerLens and SAEBench do for every family we
/// support (GPT-2 uses &lt;|endoftext|&gt;, Pythia &lt;|endoftext|&gt; = 0, Gemma &lt;bos&gt; = 2; docs/saebench.md §0).
/// </summary>
public sealed class ModelTokenizer(Tokenizer inner, SpecialTokens special, string source, NormalizationForm? normalization = null)
{
    // Decoding keeps special and user-defined pieces, as HF's decode does by default (skip_special_tokens=False);
    // the base Tokenizer.Decode would drop Gemma's user-defined pieces such as "\n\n".
    readonly Func<IEnumerable<int>, string> decode = inner switch
    {
        SentencePieceTokenizer sp => ids => sp.Decode(ids, considerSpecialTokens: true),
        BpeTokenizer bpe => ids => bpe.Decode(ids, considerSpecialTokens: true),
        _ => inner.Decode,
    };

    /// <summary>What the tokenizer was built from, e.g. "vocab.json + merges.txt (byte-level BPE)".</summary>
    public string Source { get; } = source;

    public SpecialTokens Special { get; } = special;

    public bool PrependsBos => Special.Bos is not null;

    /// <summary>The largest id the tokenizer can produce; it must be below the model's vocabulary size.</summary>
    public int MaxId { get; } = inner switch
    {
        BpeTokenizer bpe => bpe.Vocabulary.Values.Max(),
        SentencePieceTokenizer sp => sp.Vocabulary.Values.Concat(sp.SpecialTokens?.Values ?? []).Max(),
        _ => int.MaxValue,
    };

    /// <summary>The ids of <paramref name="text"/>, with no special tokens added.</summary>
    public IReadOnlyList<int> Encode(string text) =>
        inner.EncodeToIds(normalization is { } form ? text.Normalize(form) : text);

    /// <summary>BOS (where the family has one) followed by the text's ids: how a model is fed a document.</summary>
    public IReadOnlyList<int> EncodeForModel(string text) =>
        Special.Bos is int bos ? [bos, .. Encode(text)] : Encode(text);

    public string Decode(IEnumerable<int> ids) => decode(ids);

    /// <summary>
    /// <see cref="Encode"/> of many texts, in their order, encoding chunks of them in parallel: the results do not
    /// depend on the thread count. Lazy, so an endless stream of documents can be consumed as far as needed.
    /// </summary>
    public IEnumerable<int[]> EncodeMany(IEnumerable<string> texts, int chunk = 512)
    {
        var pending = new List<string>(chunk);
        foreach (string text in texts)
        {
            pending.Add(text);
            if (pending.Count < chunk) continue;
            foreach (var ids in EncodeChunk(pending)) yield return ids;
            pending.Clear();
        }
        foreach (var ids in EncodeChunk(pending)) yield return ids;
    }

    int[][] EncodeChunk(List<string> texts)
    {
        var result = new int[texts.Count][];
        Parallel.For(0, texts.Count, i => result[i] = [.. Encode(texts[i])]);
        return result;
    }
}
