using SaePipeline.Data;
using SaePipeline.Models.Tokenizers;

namespace SaePipeline.Models.Builtin;

/// <summary>Packed rows of a corpus split, as the built-in model trains on them.</summary>
public static class CorpusRows
{
    /// <summary>The first <paramref name="rows"/> packed rows (SAELens packing, BOS as separator), as [rows, context].</summary>
    public static int[,] Pack(IEnumerable<string> texts, ModelTokenizer tokenizer, int rows, int context, int bos)
    {
        var result = new int[rows, context];
        int r = 0;
        foreach (var row in TokenPacking.Pack(tokenizer.EncodeMany(texts), context, bos, bos))
        {
            for (int t = 0; t < context; t++) result[r, t] = row.Tokens[t];
            if (++r == rows) break;
        }
        if (r < rows) throw new Runtime.PipelineException($"the corpus ran out after {r} of {rows} packed rows", "corpus");
        return result;
    }
}
