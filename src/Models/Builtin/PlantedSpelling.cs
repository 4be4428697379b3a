using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models.Builtin;

/// <summary>
/// Plants first-letter knowledge in a built-in model's input embeddings before pretraining: every token that decodes to
/// ASCII letters (after at most one leading space, SAEBench's word rule) gets scale·u_letter added to its row, u_a …
/// u_z orthonormal directions drawn from the seed. Real language models learn how their tokens are spelled from
/// billions of tokens; the tiny model sees about a million and does not (a letter probe on it scored F1 ≈ 0.08 on every
/// letter, and spelling-rich corpora up to F1 0.18). A planted direction is what the synthetic benchmark does for SAE
/// features: a known structure shared by many tokens, which first-letter absorption can then look for in the SAEs.
/// Pretraining may move the planted components like any other weights.
/// </summary>
public static class PlantedSpelling
{
    public const int Letters = 26;

    /// <summary>0 for a/A … 25 for z/Z when <paramref name="token"/> is a word of letters (one leading space allowed), else null.</summary>
    public static int? FirstLetter(string token)
    {
        var letters = token.StartsWith(' ') ? token.AsSpan(1) : token.AsSpan();
        if (letters.IsEmpty) return null;
        foreach (char ch in letters)
            if (!char.IsAsciiLetter(ch)) return null;
        return char.ToLowerInvariant(letters[0]) - 'a';
    }

    /// <summary>Adds the letter directions to <paramref name="embedding"/> ([vocab, d_model]) in place; returns how many rows got one.</summary>
    public static int Plant(Tensor embedding, ModelTokenizer tokenizer, double scale, long seed)
    {
        long vocab = embedding.shape[0], d = embedding.shape[1];
        if (d < Letters) throw new PipelineException($"planting {Letters} orthogonal letter directions needs d_model ≥ {Letters}, not {d}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = TorchRuntime.Generator(seed, "planted-spelling");
        // Orthonormal columns of a Gaussian matrix's QR factor: 26 directions in d dimensions, uniformly oriented.
        var (q, _) = linalg.qr(randn([d, Letters], generator: generator, dtype: ScalarType.Float64));
        var directions = q.t().mul(scale).to(embedding.dtype, embedding.device);
        var rows = new List<long>();
        var letters = new List<long>();
        for (int id = 0; id <= Math.Min(tokenizer.MaxId, vocab - 1); id++)
            if (FirstLetter(tokenizer.Decode([id])) is int letter)
            {
                rows.Add(id);
                letters.Add(letter);
            }
        if (rows.Count == 0) return 0;
        var rowIndex = tensor(rows.ToArray(), device: embedding.device);
        embedding.index_add_(0, rowIndex, directions.index_select(0, tensor(letters.ToArray(), device: embedding.device)), 1.0);
        return rows.Count;
    }
}
