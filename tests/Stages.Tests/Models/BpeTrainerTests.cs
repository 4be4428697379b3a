using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SaePipeline.Models.Tokenizers;

namespace SaePipeline.Tests.Models;

/// <summary>
/// The BPE trainer against merges derived by hand, and its saved tokenizer.json, read back by TokenizerLoader, against a
/// textbook BPE encoder written here from the algorithm's definition (not from the trainer or the loader).
/// </summary>
public sealed class BpeTrainerTests(BpeTrainerTests.VariedTokenizer varied) : IClassFixture<BpeTrainerTests.VariedTokenizer>
{
    const string Eot = "<|endoftext|>";

    [Fact]
    public void OneRepeatedLetterWordLearnsTheHandDerivedMerges()
    {
        // One pre-token, "aaabdaaabac". Pair counts: (a,a) 4, (a,b) 2, (b,d) (d,a) (b,a) (a,c) 1.
        // 1. (a,a) → "aa a b d aa a b a c" (left to right). Now (aa,a) 2 and (a,b) 2 tie; left "a" < "aa" → (a,b).
        // 2. (a,b) → "aa ab d aa ab a c". (aa,ab) 2, the rest 1.
        // 3. (aa,ab) → "aaab d aaab a c". Every pair occurs once, below the default min frequency 2: stop.
        var bpe = BpeTrainer.Train(["aaabdaaabac"], vocabSize: 1000, [Eot]);
        Assert.Equal<(string, string)>([("a", "a"), ("a", "b"), ("aa", "ab")], bpe.Merges);
        Assert.Equal<string>(["aa", "ab", "aaab"], bpe.Tokens.Skip(256));
        Assert.Equal(256 + 3 + 1, bpe.VocabSize);
        Assert.Equal(259, bpe.SpecialTokenId(Eot));

        // With min frequency 1 the remaining pairs all tie at 1 and go by spelling:
        // 4. (a,c): left "a" < "aaab" < "d" → "aaab d aaab ac".
        // 5. (aaab,ac) before (aaab,d): right "ac" < "d" → "aaab d aaabac".
        // 6. (aaab,d) before (d,aaabac) → "aaabd aaabac".  7. (aaabd,aaabac): the whole word.
        var all = BpeTrainer.Train(["aaabdaaabac"], vocabSize: 1000, [], minFrequency: 1);
        Assert.Equal<(string, string)>(
            [("a", "a"), ("a", "b"), ("aa", "ab"), ("a", "c"), ("aaab", "ac"), ("aaab", "d"), ("aaabd", "aaabac")], all.Merges);
        var capped = BpeTrainer.Train(["aaabdaaabac"], vocabSize: 256 + 5, [], minFrequency: 1);
        Assert.Equal(all.Merges.Take(5), capped.Merges);
        Assert.Equal(256 + 5, capped.VocabSize);
    }

    [Fact]
    public void SpacesJoinTheFollowingWordAndTiesGoBySpelling()
    {
        // GPT-2's pre-tokenizer gives "the", " cat", " the", " hat", " the"; a space byte is spelled "Ġ" (U+0120).
        // Words: the ×1, Ġthe ×2, Ġcat ×1, Ġhat ×1. Pairs: (t,h) 3, (h,e) 3, (Ġ,t) 2, (a,t) 2, the rest 1.
        // 1. (h,e) ties (t,h) at 3; "h" < "t" → he.   2. (t,he) 3 → the.
        // 3. (Ġ,the) 2 ties (a,t) 2; "a" (U+0061) < "Ġ" (U+0120) → at.   4. (Ġ,the) → Ġthe. The rest occur once.
        var bpe = BpeTrainer.Train(["the cat the hat the"], vocabSize: 1000, [Eot]);
        Assert.Equal<(string, string)>([("h", "e"), ("t", "he"), ("a", "t"), ("Ġ", "the")], bpe.Merges);

        using var dir = new TempDir();
        HfTokenizerFiles.Write(dir.Path, bpe, modelMaxLength: 64);
        var tokenizer = TokenizerLoader.Load(dir.Path);
        // Byte tokens have the byte's value as id (space 32, 'c' 99); "the" is 257, "at" 258, "Ġthe" 259, <|endoftext|> 260.
        Assert.Equal([257, 32, 99, 258, 259, 260], tokenizer.Encode("the cat the<|endoftext|>"));
    }

    [Fact]
    public void ByteAlphabetIsGpt2s()
    {
        // bytes_to_unicode as OpenAI's encoder.py states it: the printable Latin-1 bytes keep their code point, the
        // others are numbered from U+0100 in byte order.
        var kept = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var moved = Enumerable.Range(0, 256).Except(kept).ToList();
        for (int b = 0; b < 256; b++)
            Assert.Equal(kept.Contains(b) ? (char)b : (char)(256 + moved.IndexOf(b)), ByteLevelAlphabet.Of((byte)b));
        // The spellings every GPT-2 vocabulary shows.
        Assert.Equal('Ġ', ByteLevelAlphabet.Of((byte)' '));
        Assert.Equal('Ċ', ByteLevelAlphabet.Of((byte)'\n'));
        Assert.Equal('ĉ', ByteLevelAlphabet.Of((byte)'\t'));
    }

    [Fact]
    public void VariedTextRoundTripsThroughTheLoadedTokenizer()
    {
        foreach (string text in VariedDocuments(seed: 1, count: 300).Concat(VariedDocuments(seed: 7, count: 100)))
            Assert.Equal(text, varied.Tokenizer.Decode(varied.Tokenizer.Encode(text)));
    }

    [Fact]
    public void LoadedTokenizerEncodesHeldOutTextAsTextbookBpe()
    {
        var reference = new TextbookBpe(Path.Combine(varied.Folder, "tokenizer.json"));
        int ids = 0, bytes = 0, learned = 0;
        foreach (string text in VariedDocuments(seed: 7, count: 150))
        {
            var expected = reference.Encode(text);
            Assert.Equal(expected, varied.Tokenizer.Encode(text));
            ids += expected.Count;
            bytes += Encoding.UTF8.GetByteCount(text);
            learned += expected.Count(id => id >= 256);
        }
        // The held-out text is mostly spelled with learned tokens, so the comparison exercises the merges.
        Assert.True(ids < bytes / 2, $"{ids} ids for {bytes} bytes");
        Assert.True(learned > ids / 2, $"{learned} of {ids} ids are learned tokens");
    }

    [Fact]
    public void TheFileHasTheRequestedVocabularyAndHuggingFacesLayout()
    {
        var bpe = varied.Model;
        Assert.Equal(VariedTokenizer.VocabSize, bpe.VocabSize);
        Assert.Equal(VariedTokenizer.VocabSize - 1, varied.Tokenizer.MaxId);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(varied.Folder, "tokenizer.json")))!.AsObject();
        Assert.Equal("1.0", root["version"]!.GetValue<string>());
        Assert.Null(root["normalizer"]);
        Assert.True(root.ContainsKey("normalizer"));
        var added = Assert.Single(root["added_tokens"]!.AsArray())!.AsObject();
        Assert.Equal(VariedTokenizer.VocabSize - 1, added["id"]!.GetValue<int>());
        Assert.Equal(Eot, added["content"]!.GetValue<string>());
        Assert.True(added["special"]!.GetValue<bool>());
        foreach (string flag in new[] { "single_word", "lstrip", "rstrip", "normalized" }) Assert.False(added[flag]!.GetValue<bool>());
        foreach (string part in new[] { "pre_tokenizer", "post_processor", "decoder" })
        {
            Assert.Equal("ByteLevel", root[part]!["type"]!.GetValue<string>());
            Assert.False(root[part]!["add_prefix_space"]!.GetValue<bool>());
            Assert.True(root[part]!["use_regex"]!.GetValue<bool>());
        }
        var model = root["model"]!.AsObject();
        Assert.Equal("BPE", model["type"]!.GetValue<string>());
        foreach (string absent in new[] { "dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix" })
            Assert.True(model.ContainsKey(absent) && model[absent] is null, absent);
        var vocab = model["vocab"]!.AsObject();
        Assert.Equal(VariedTokenizer.VocabSize, vocab.Count);
        Assert.Equal(Enumerable.Range(0, VariedTokenizer.VocabSize), vocab.Select(kv => kv.Value!.GetValue<int>()).Order());
        var merges = model["merges"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Equal(bpe.Merges.Count, merges.Distinct().Count());
        // Every merge is "left right" and makes a token the vocabulary has.
        Assert.All(merges, m => Assert.True(vocab.ContainsKey(m.Replace(" ", "")) && m.Count(c => c == ' ') == 1, m));

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(varied.Folder, "tokenizer_config.json")))!.AsObject();
        Assert.Equal("PreTrainedTokenizerFast", config["tokenizer_class"]!.GetValue<string>());
        Assert.Equal(VariedTokenizer.MaxLength, config["model_max_length"]!.GetValue<int>());
        var map = JsonNode.Parse(File.ReadAllText(Path.Combine(varied.Folder, "special_tokens_map.json")))!.AsObject();
        foreach (string role in new[] { "bos_token", "eos_token", "unk_token" })
        {
            Assert.Equal(Eot, config[role]!.GetValue<string>());
            Assert.Equal(Eot, map[role]!.GetValue<string>());
        }
        Assert.Equal(Eot, config["added_tokens_decoder"]![$"{VariedTokenizer.VocabSize - 1}"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void IncrementalCountsLearnWhatRecountingEveryStepLearns()
    {
        var documents = VariedDocuments(seed: 5, count: 150).ToList();
        var bpe = BpeTrainer.Train(documents, 700, [Eot]);
        Assert.Equal(RecountingTrainer(documents, 700, Eot), bpe.Merges);
        Assert.True(bpe.Merges.Count > 400);
    }

    /// <summary>
    /// The trainer's definition run the slow way: after every merge, count every adjacent pair of every word again
    /// and take the most frequent (ties by spelling). Merges that spell a token already held add no vocabulary entry.
    /// </summary>
    static List<(string, string)> RecountingTrainer(IEnumerable<string> documents, int vocabSize, string special)
    {
        var spelling = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.Of((byte)b).ToString()).ToArray();
        var words = documents.SelectMany(d => d.Split(special))
            .SelectMany(piece => Regex.Matches(piece, TokenizerLoader.Gpt2Pattern).Select(m => m.Value))
            .GroupBy(w => w, StringComparer.Ordinal)
            .Select(g => (Symbols: Encoding.UTF8.GetBytes(g.Key).Select(b => spelling[b]).ToList(), Count: g.Count()))
            .ToList();
        var vocab = new HashSet<string>(spelling);
        var merges = new List<(string, string)>();
        while (vocab.Count + 1 < vocabSize)
        {
            var counts = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    counts[(symbols[i], symbols[i + 1])] = counts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (counts.Count == 0) break;
            var ((left, right), best) = counts.OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).First();
            if (best < 2) break;
            vocab.Add(left + right);
            if (!merges.Contains((left, right))) merges.Add((left, right));
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
        }
        return merges;
    }

    [Fact]
    public void TrainingIsAPureFunctionOfTheCorpusWhateverItsOrder()
    {
        var documents = VariedDocuments(seed: 3, count: 200).ToList();
        var reversed = Enumerable.Reverse(documents).ToList();
        using var first = new TempDir();
        using var second = new TempDir();
        HfTokenizerFiles.Write(first.Path, BpeTrainer.Train(documents, 600, [Eot]), 128);
        HfTokenizerFiles.Write(second.Path, BpeTrainer.Train(reversed, 600, [Eot]), 128);
        foreach (string file in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(first.Path, file)), File.ReadAllBytes(Path.Combine(second.Path, file)));
    }

    [Fact]
    public void SpecialTokensAreCutOutOfTrainingAndEncodedWhole()
    {
        // Were the separators counted, "<|" and "|>" (once per document) would be the most frequent pairs.
        var documents = Enumerable.Range(0, 200).Select(i => $"{Eot}note {i}: the cat sat{Eot}");
        var bpe = BpeTrainer.Train(documents, 300, [Eot, "<|padding|>"]);
        Assert.DoesNotContain(bpe.Tokens.Skip(256), t => t.Contains('|'));
        Assert.Equal(bpe.Tokens.Count, bpe.SpecialTokenId(Eot));
        Assert.Equal(bpe.Tokens.Count + 1, bpe.SpecialTokenId("<|padding|>"));

        using var dir = new TempDir();
        HfTokenizerFiles.Write(dir.Path, bpe, 128);
        var tokenizer = TokenizerLoader.Load(dir.Path);
        var ids = tokenizer.Encode($"the cat{Eot}sat<|padding|>");
        Assert.Equal(1, ids.Count(id => id == bpe.SpecialTokenId(Eot)));
        Assert.Equal(bpe.SpecialTokenId("<|padding|>"), ids[^1]);
        Assert.Equal($"the cat{Eot}sat<|padding|>", tokenizer.Decode(ids));
        // Without config.json the loader takes <|endoftext|> as BOS and EOS and <|padding|> as PAD (Pythia's layout).
        int eot = bpe.SpecialTokenId(Eot), pad = bpe.SpecialTokenId("<|padding|>");
        Assert.Equal(new SpecialTokens(eot, eot, pad), tokenizer.Special);

        // A model folder's config.json states the ids; they must be the ones the tokenizer gives the specials.
        dir.File("config.json", $$"""{"model_type": "gpt_neox", "bos_token_id": {{eot}}, "eos_token_id": {{eot}}, "pad_token_id": {{pad}}}""");
        tokenizer = TokenizerLoader.Load(dir.Path);
        Assert.Equal(new SpecialTokens(eot, eot, pad), tokenizer.Special);
        Assert.Equal<int>([eot, .. tokenizer.Encode("the cat")], tokenizer.EncodeForModel("the cat"));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Train(["ab"], 256, [Eot]));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["ab"], 300, [Eot, Eot]));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["ab"], 300, ["a"]));
        var bpe = BpeTrainer.Train(["ab ab"], 300, ["<pad>"]);
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => HfTokenizerFiles.Write(dir.Path, bpe, 128));
    }

    /// <summary>A tokenizer trained once on the varied corpus and saved, shared by the tests that read it.</summary>
    public sealed class VariedTokenizer : IDisposable
    {
        public const int VocabSize = 800, MaxLength = 256;
        readonly TempDir dir = new();

        public VariedTokenizer()
        {
            Model = BpeTrainer.Train(VariedDocuments(seed: 1, count: 300), VocabSize, [Eot]);
            HfTokenizerFiles.Write(dir.Path, Model, MaxLength);
            Tokenizer = TokenizerLoader.Load(dir.Path);
        }

        public LearnedBpe Model { get; }
        public ModelTokenizer Tokenizer { get; }
        public string Folder => dir.Path;

        public void Dispose() => dir.Dispose();
    }

    /// <summary>
    /// Documents mixing English prose, invented words, code with indentation, tabs and CRLF, accented Latin, Greek,
    /// Cyrillic, CJK, Hangul, emoji (with skin tones and ZWJ sequences), numbers, runs of spaces and the separator.
    /// </summary>
    static IEnumerable<string> VariedDocuments(int seed, int count)
    {
        string[] fragments =
        [
            "The quick brown fox jumps over the lazy dog.", "It's what they'd've wanted, isn't it?", "We'll see; you're late.",
            "def square(x):\n    return x * x\n", "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}\n", "if x:\r\n\t\tpass\r\n",
            "café naïve résumé Ångström façade über Straße", "Ελληνικά γράμματα", "Привет, мир!", "東京は日本の首都です。",
            "中文分词测试，你好世界", "안녕하세요 세계", "🙂🚀 👍🏽 👨‍👩‍👧 ❤️", "3.14159 2024-06-01 1,000,000 0x1F", "a    b\t\tc  \n\n  d",
            "trailing spaces   ", "   leading spaces", "email: someone@example.org, url: https://example.org/a?b=c&d=e",
        ];
        string[] syllables = ["ka", "lo", "mi", "tren", "sho", "qu", "ee", "ar", "vin", "do", "ple", "st", "ng", "ix", "ou", "zor"];
        string[] separators = [" ", "  ", "\n", "\n\n", "\t", ". ", ", ", Eot];
        var random = new Random(seed);
        for (int d = 0; d < count; d++)
        {
            var text = new StringBuilder();
            for (int part = random.Next(3, 12); part > 0; part--)
            {
                switch (random.Next(3))
                {
                    case 0:
                        text.Append(fragments[random.Next(fragments.Length)]);
                        break;
                    case 1:
                        for (int s = random.Next(1, 5); s > 0; s--) text.Append(syllables[random.Next(syllables.Length)]);
                        break;
                    default:
                        text.Append(char.ConvertFromUtf32(RandomCodePoint(random)));
                        break;
                }
                text.Append(separators[random.Next(separators.Length)]);
            }
            yield return text.ToString();
        }
    }

    static int RandomCodePoint(Random random) => random.Next(6) switch
    {
        0 => random.Next(0xC0, 0x250),      // accented Latin
        1 => random.Next(0x391, 0x3CA),     // Greek
        2 => random.Next(0x4E00, 0x9FA5),   // CJK ideographs
        3 => random.Next(0xAC00, 0xD7A3),   // Hangul syllables
        4 => random.Next(0x1F300, 0x1F64F), // emoji, outside the BMP
        _ => random.Next('0', '9' + 1),
    };

    /// <summary>
    /// BPE as textbooks state it (Sennrich et al. 2016, over GPT-2's byte spelling): specials are matched whole; each
    /// pre-token starts as its bytes, and the lowest-ranked adjacent pair present is merged, left to right, until no
    /// ranked pair is left.
    /// </summary>
    sealed class TextbookBpe
    {
        readonly Dictionary<string, int> vocab = [];
        readonly Dictionary<(string, string), int> ranks = [];
        readonly Dictionary<string, int> specials = [];
        readonly Regex preTokens = new(TokenizerLoader.Gpt2Pattern);
        readonly Regex? specialSplit;
        readonly char[] spelling = new char[256];

        public TextbookBpe(string tokenizerJson)
        {
            var root = JsonNode.Parse(File.ReadAllText(tokenizerJson))!;
            foreach (var (token, id) in root["model"]!["vocab"]!.AsObject()) vocab[token] = id!.GetValue<int>();
            var merges = root["model"]!["merges"]!.AsArray();
            for (int rank = 0; rank < merges.Count; rank++)
            {
                string[] pair = merges[rank]!.GetValue<string>().Split(' ');
                ranks[(pair[0], pair[1])] = rank;
            }
            foreach (var added in root["added_tokens"]!.AsArray()) specials[added!["content"]!.GetValue<string>()] = added["id"]!.GetValue<int>();
            if (specials.Count > 0) specialSplit = new Regex("(" + string.Join("|", specials.Keys.OrderByDescending(s => s.Length).Select(Regex.Escape)) + ")");
            // encoder.py's bytes_to_unicode, written out again here.
            int next = 256;
            for (int b = 0; b < 256; b++)
                spelling[b] = (char)(b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 ? b : next++);
        }

        public List<int> Encode(string text)
        {
            var ids = new List<int>();
            foreach (string piece in specialSplit?.Split(text) ?? [text])
            {
                if (specials.TryGetValue(piece, out int special)) { ids.Add(special); continue; }
                foreach (Match m in preTokens.Matches(piece))
                    ids.AddRange(Merge(Encoding.UTF8.GetBytes(m.Value).Select(b => spelling[b].ToString()).ToList()).Select(s => vocab[s]));
            }
            return ids;
        }

        List<string> Merge(List<string> symbols)
        {
            while (true)
            {
                (string, string)? best = null;
                int bestRank = int.MaxValue;
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < bestRank)
                        (best, bestRank) = ((symbols[i], symbols[i + 1]), rank);
                if (best is null) return symbols;
                var (left, right) = best.Value;
                var merged = new List<string>(symbols.Count);
                for (int i = 0; i < symbols.Count; i++)
                {
                    if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right) { merged.Add(left + right); i++; }
                    else merged.Add(symbols[i]);
                }
                symbols = merged;
            }
        }
    }
}
