namespace SaePipeline.Data;

/// <summary>
/// SAELens's packing of a corpus into fixed-length rows (ActivationsStore with prepend_bos; docs/saebench.md §1.2):
/// documents are tokenized without BOS and concatenated with a separator token (BOS) between them, and every row of
/// <c>context</c> tokens begins with BOS followed by the next context − 1 tokens of that stream, so documents run
/// across row boundaries. A trailing partial row is dropped. One deviation, to keep every row informative: when a
/// row would start with the separator right after its BOS, the separator is skipped (two BOS in a row carry nothing).
/// </summary>
public static class TokenPacking
{
    /// <summary>A packed row: its tokens and, per position, the index of the document the token came from (−1 for BOS/separators).</summary>
    public sealed record Row(int[] Tokens, long[] Documents);

    public static IEnumerable<Row> Pack(IEnumerable<int[]> documents, int context, int bos, int separator)
    {
        if (context < 2) throw new ArgumentOutOfRangeException(nameof(context), "a packed row needs BOS and at least one token");
        var tokens = new int[context];
        var docs = new long[context];
        int filled = 0;
        long docIndex = -1;
        void StartRow()
        {
            tokens[0] = bos;
            docs[0] = -1;
            filled = 1;
        }
        StartRow();
        foreach (var document in documents)
        {
            docIndex++;
            // The separator goes before every document but the first, and never straight after a row's BOS.
            if (docIndex > 0 && filled > 1)
            {
                tokens[filled] = separator;
                docs[filled++] = -1;
                if (filled == context)
                {
                    yield return new Row((int[])tokens.Clone(), (long[])docs.Clone());
                    StartRow();
                }
            }
            foreach (int token in document)
            {
                tokens[filled] = token;
                docs[filled++] = docIndex;
                if (filled == context)
                {
                    yield return new Row((int[])tokens.Clone(), (long[])docs.Clone());
                    StartRow();
                }
            }
        }
    }
}
