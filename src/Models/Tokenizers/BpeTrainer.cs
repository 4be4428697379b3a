using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SaePipeline.Models.Tokenizers;

/// <summary>
/// Learns a GPT-2-style byte-level BPE from a corpus (Sennrich et al. 2016 on UTF-8 bytes, Radford et al. 2019): special
/// tokens are cut out, the rest is split with GPT-2's pre-tokenizer, and starting from the 256 bytes the most frequent
/// adjacent pair inside a pre-token is merged until the vocabulary is full or no pair occurs <c>minFrequency</c> times.
/// Ties go to the pair whose left, then right, token is ordinally smallest in the byte alphabet, so the result is a pure
/// function of the documents and their order does not matter.
/// </summary>
/// <remarks>
/// Each distinct pre-token is stored once with its count. A merge rewrites only the words listed under its pair and
/// adjusts the counts of the pairs around each rewrite; a queue ordered by count with lazily refreshed entries picks
/// the next pair. Recounting the corpus per merge would cost (corpus × merges) instead.
/// </remarks>
public static class BpeTrainer
{
    public static LearnedBpe Train(IEnumerable<string> documents, int vocabSize, IReadOnlyList<string> specialTokens, int minFrequency = 2)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(specialTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(minFrequency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 256 + specialTokens.Count);
        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.Of((byte)b).ToString()).ToList();
        var ids = tokens.Select((token, id) => (token, id)).ToDictionary(t => t.token, t => t.id, StringComparer.Ordinal);
        var specials = new HashSet<string>(StringComparer.Ordinal);
        foreach (string special in specialTokens)
        {
            if (string.IsNullOrEmpty(special) || !specials.Add(special))
                throw new ArgumentException($"special tokens must be distinct and non-empty: [{string.Join(", ", specialTokens)}]", nameof(specialTokens));
            if (ids.ContainsKey(special))
                throw new ArgumentException($"special token {special} is spelled like a byte token; it would have two ids", nameof(specialTokens));
        }

        var pairs = new PairCounts(CountWords(documents, specialTokens));
        var queue = new PriorityQueue<long, (long Count, long Pair)>(new MostFrequentFirst(tokens));
        foreach (var (pair, count) in pairs.All) queue.Enqueue(pair, (count, pair));
        var merges = new List<(string Left, string Right)>();
        var mergedPairs = new HashSet<long>();
        while (tokens.Count + specialTokens.Count < vocabSize && queue.TryDequeue(out long pair, out var queued))
        {
            long count = pairs.Of(pair);
            if (count != queued.Count)
            {
                // Counts of queued pairs only fall (a pair that grows is queued again), so this entry is stale.
                if (count > 0) queue.Enqueue(pair, (count, pair));
                continue;
            }
            if (count < minFrequency) break;
            string left = tokens[Left(pair)], right = tokens[Right(pair)], merged = left + right;
            // A learned token spelled like a special would give the vocabulary two entries for one string.
            if (specials.Contains(merged)) continue;
            // Different merges can spell the same token ("a"+"bc", "ab"+"c"); like HF's trainer, the token keeps its id.
            if (!ids.TryGetValue(merged, out int id))
            {
                id = tokens.Count;
                tokens.Add(merged);
                ids.Add(merged, id);
            }
            // Such a token can bring back a pair merged before ("abc"+"d" once "a"+"bc" makes more "abc"). An encoder
            // applies that merge at its old rank, so the words follow it, but the file lists each merge once.
            if (mergedPairs.Add(pair)) merges.Add((left, right));
            foreach (long grown in pairs.Merge(pair, id))
                if (pairs.Of(grown) is > 0 and var now) queue.Enqueue(grown, (now, grown));
        }
        return new LearnedBpe(tokens, merges, [.. specialTokens]);
    }

    /// <summary>Each distinct pre-token's bytes with how often it occurs.</summary>
    static List<Word> CountWords(IEnumerable<string> documents, IReadOnlyList<string> specialTokens)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        var pretokenizer = TokenizerLoader.Gpt2Regex();
        // Specials are cut out before pre-tokenizing, as the loaded tokenizer (and HF's added vocabulary) does when encoding.
        var specials = specialTokens.Count == 0 ? null
            : new Regex(string.Join('|', specialTokens.OrderByDescending(s => s.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant);
        foreach (string document in documents)
        {
            if (specials is null) Count(document);
            else foreach (var range in specials.EnumerateSplits(document)) Count(document.AsSpan()[range]);
        }

        void Count(ReadOnlySpan<char> text)
        {
            foreach (var match in pretokenizer.EnumerateMatches(text))
                CollectionsMarshal.GetValueRefOrAddDefault(lookup, text.Slice(match.Index, match.Length), out _)++;
        }

        var words = new List<Word>(counts.Count);
        foreach (var (text, count) in counts)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length >= 2) words.Add(new Word(Array.ConvertAll(bytes, b => (int)b), count));
        }
        return words;
    }

    static long Pair(int left, int right) => ((long)left << 32) | (uint)right;
    static int Left(long pair) => (int)(pair >> 32);
    static int Right(long pair) => (int)(uint)pair;

    /// <summary>A distinct pre-token: its current symbols (token ids) and how often it occurs in the corpus.</summary>
    sealed class Word(int[] symbols, int count)
    {
        public int[] Symbols { get; } = symbols;
        public int Length { get; set; } = symbols.Length;
        public int Count { get; } = count;
    }

    /// <summary>How often each adjacent pair occurs, weighted by word counts, and which words may hold it.</summary>
    sealed class PairCounts
    {
        readonly List<Word> words;
        readonly Dictionary<long, long> counts = [];
        // A word is listed when a pair appears in it but not unlisted when the pair leaves it (the list goes when the
        // count reaches zero): merging a word that no longer holds the pair changes nothing, and unlisting would cost
        // more than the occasional idle scan.
        readonly Dictionary<long, List<int>> holders = [];
        readonly HashSet<long> grown = [];

        public PairCounts(List<Word> words)
        {
            this.words = words;
            for (int w = 0; w < words.Count; w++)
            {
                var word = words[w];
                for (int i = 0; i + 1 < word.Length; i++) Change(Pair(word.Symbols[i], word.Symbols[i + 1]), word.Count, w);
            }
        }

        public IEnumerable<KeyValuePair<long, long>> All => counts;

        public long Of(long pair) => counts.GetValueOrDefault(pair);

        /// <summary>Replaces every occurrence of <paramref name="pair"/> by <paramref name="merged"/>; returns the pairs whose count rose.</summary>
        public IReadOnlyCollection<long> Merge(long pair, int merged)
        {
            grown.Clear();
            if (holders.Remove(pair, out var listed))
                foreach (int w in listed) MergeWithin(w, Left(pair), Right(pair), merged);
            Debug.Assert(Of(pair) == 0, "every occurrence of the merged pair was in a listed word");
            return grown;
        }

        // Left to right, as BPE encoders apply a merge: "a a a" with (a, a) becomes "aa a". Each rewrite removes the pair
        // and its two neighbouring pairs and adds the neighbours' pairs with the merged token; the left neighbour is read
        // from what was already written, so back-to-back rewrites ("a b a b") cancel the pair added in between.
        void MergeWithin(int w, int a, int b, int merged)
        {
            var word = words[w];
            int[] s = word.Symbols;
            int length = word.Length, write = 0;
            for (int read = 0; read < length;)
            {
                if (read + 1 < length && s[read] == a && s[read + 1] == b)
                {
                    Change(Pair(a, b), -word.Count, w);
                    if (write > 0)
                    {
                        Change(Pair(s[write - 1], a), -word.Count, w);
                        Change(Pair(s[write - 1], merged), word.Count, w);
                    }
                    if (read + 2 < length)
                    {
                        Change(Pair(b, s[read + 2]), -word.Count, w);
                        Change(Pair(merged, s[read + 2]), word.Count, w);
                    }
                    s[write++] = merged;
                    read += 2;
                }
                else s[write++] = s[read++];
            }
            word.Length = write;
        }

        void Change(long pair, long delta, int w)
        {
            ref long count = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, pair, out _);
            count += delta;
            Debug.Assert(count >= 0, "pair counts never go negative");
            if (count == 0)
            {
                counts.Remove(pair);
                holders.Remove(pair);
                return;
            }
            if (delta < 0) return;
            grown.Add(pair);
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(holders, pair, out _);
            list ??= [];
            if (list.Count == 0 || list[^1] != w) list.Add(w);
        }
    }

    /// <summary>Highest count first; ties by the left token's, then the right token's spelling (ordinal).</summary>
    sealed class MostFrequentFirst(List<string> tokens) : IComparer<(long Count, long Pair)>
    {
        public int Compare((long Count, long Pair) x, (long Count, long Pair) y)
        {
            if (x.Count != y.Count) return y.Count.CompareTo(x.Count);
            int byLeft = string.CompareOrdinal(tokens[Left(x.Pair)], tokens[Left(y.Pair)]);
            return byLeft != 0 ? byLeft : string.CompareOrdinal(tokens[Right(x.Pair)], tokens[Right(y.Pair)]);
        }
    }
}
