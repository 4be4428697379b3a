using SaePipeline.Data;

namespace SaePipeline.Tests.Data;

public sealed class TokenPackingTests
{
    [Fact]
    public void RowsStartWithBosAndDocumentsRunOnSeparatedByBos()
    {
        const int bos = 0;
        int[][] documents = [[1, 2, 3], [4, 5], [6, 7, 8, 9]];
        var rows = TokenPacking.Pack(documents, context: 4, bos, separator: bos).ToList();
        // Stream 1 2 3 | 4 5 | 6 7 8 9: the separator before doc 1 would follow row 2's BOS directly, so it is skipped;
        // the trailing partial row [0, 9] is dropped.
        Assert.Equal([[0, 1, 2, 3], [0, 4, 5, 0], [0, 6, 7, 8]], rows.Select(r => r.Tokens).ToArray());
        Assert.Equal([[-1L, 0, 0, 0], [-1L, 1, 1, -1], [-1L, 2, 2, 2]], rows.Select(r => r.Documents).ToArray());
    }

    [Fact]
    public void EveryTokenOfEveryFullRowIsKeptInOrder()
    {
        var random = new Random(3);
        var documents = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(1, 100)).ToArray()).ToList();
        var rows = TokenPacking.Pack(documents, context: 16, bos: 0, separator: 0).ToList();
        // Dropping the row-initial BOS and the separators gives back the documents' tokens, cut at the last full row.
        var kept = rows.SelectMany(r => r.Tokens.Skip(1)).Where(t => t != 0).ToList();
        var all = documents.SelectMany(d => d).ToList();
        Assert.Equal(all.Take(kept.Count), kept);
        Assert.True(all.Count - kept.Count < 16);
        Assert.All(rows, r => Assert.Equal(0, r.Tokens[0]));
    }
}
