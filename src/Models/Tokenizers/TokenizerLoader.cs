using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Models.Tokenizers;

/// <summary>
/// Finds and builds the tokenizer in a model (or tokenizer-only) folder, in this order:
/// <list type="number">
/// <item><c>tokenizer.model</c>: SentencePiece (Gemma), read by Microsoft.ML.Tokenizers; user-defined and control pieces
///   are matched whole, longest first (docs/dotnet-stack.md §4), as SentencePiece itself does.</item>
/// <item><c>tokenizer.json</c>: a HuggingFace byte-level BPE (GPT-2, Pythia), parsed here (ML.Tokenizers has no loader).</item>
/// <item><c>vocab.json</c> + <c>merges.txt</c>: GPT-2's original files.</item>
/// </list>
/// Special-token ids come from config.json where it states them, else from the tokenizer's own special tokens.
/// </summary>
public static partial class TokenizerLoader
{
    /// <summary>GPT-2's pre-tokenizer pattern (OpenAI encoder.py; HF ByteLevel with use_regex); BpeTrainer splits with it too.</summary>
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static ModelTokenizer Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new PipelineException($"tokenizer folder {folder} does not exist", folder);
        string spm = Path.Combine(folder, "tokenizer.model"), json = Path.Combine(folder, "tokenizer.json");
        string vocab = Path.Combine(folder, "vocab.json"), merges = Path.Combine(folder, "merges.txt");
        if (File.Exists(spm)) return SentencePiece(folder, spm);
        if (File.Exists(json)) return FromTokenizerJson(folder, json);
        if (File.Exists(vocab) && File.Exists(merges)) return FromVocabAndMerges(folder, vocab, merges);
        throw new PipelineException(
            $"{folder} has no tokenizer: expected tokenizer.model (SentencePiece), tokenizer.json, or vocab.json + merges.txt" +
            (File.Exists(vocab) ? " (merges.txt is missing)" : File.Exists(merges) ? " (vocab.json is missing)" : ""), folder);
    }

    static ModelTokenizer FromVocabAndMerges(string folder, string vocabPath, string mergesPath)
    {
        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath))
                    ?? throw new PipelineException($"{vocabPath}: not a JSON object of token → id", vocabPath);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"{vocabPath}: not a JSON object of token → id ({e.Message})", vocabPath);
        }
        var mergeLines = File.ReadLines(mergesPath).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        // GPT-2's only added token; HF's GPT2Tokenizer matches it in text as a special token.
        var added = vocab.TryGetValue("<|endoftext|>", out int eot) ? new Dictionary<string, int> { ["<|endoftext|>"] = eot } : [];
        var tokenizer = ByteLevelBpe(vocab, mergeLines, added);
        return new ModelTokenizer(tokenizer, Specials(folder, added, eot: added.Count > 0 ? eot : null), "vocab.json + merges.txt (byte-level BPE)");
    }

    static ModelTokenizer FromTokenizerJson(string folder, string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new PipelineException($"{path}: not a JSON object", path);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"{path}: not valid JSON ({e.Message})", path);
        }
        var model = root["model"] as JsonObject ?? throw new PipelineException($"{path}: no \"model\" object", path);
        string type = model["type"]?.GetValue<string>() ?? "BPE";
        if (type != "BPE" || !UsesByteLevel(root["pre_tokenizer"]))
            throw new PipelineException(
                $"{path}: only byte-level BPE tokenizer.json files are supported (GPT-2, Pythia); this one is {type} with pre_tokenizer {root["pre_tokenizer"]?["type"]}. " +
                "SentencePiece models (Gemma) are read from tokenizer.model", path);
        if (root["pre_tokenizer"]?["add_prefix_space"]?.GetValue<bool>() == true)
            throw new PipelineException($"{path}: add_prefix_space: true is not supported", path);
        NormalizationForm? normalization = root["normalizer"]?["type"]?.GetValue<string>() switch
        {
            null => null,
            "NFC" => NormalizationForm.FormC,      // the GPT-NeoX-20B tokenizer (Pythia) normalises to NFC
            "NFKC" => NormalizationForm.FormKC,
            var other => throw new PipelineException($"{path}: normalizer {other} is not supported (supported: none, NFC, NFKC)", path),
        };

        var vocab = (model["vocab"] as JsonObject ?? throw new PipelineException($"{path}: model.vocab is not an object", path))
            .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
        // Merges are "a b" strings in older files and ["a", "b"] pairs in newer ones.
        var merges = (model["merges"] as JsonArray ?? [])
            .Select(m => m is JsonArray pair ? $"{pair[0]!.GetValue<string>()} {pair[1]!.GetValue<string>()}" : m!.GetValue<string>())
            .ToList();
        // Added tokens (special or not: Pythia's whitespace runs are added but not special) are matched whole before BPE.
        var added = (root["added_tokens"] as JsonArray ?? [])
            .Select(t => (Content: t!["content"]!.GetValue<string>(), Id: t["id"]!.GetValue<int>(), Special: t["special"]?.GetValue<bool>() ?? false))
            .ToList();
        foreach (var (content, id, _) in added) vocab.TryAdd(content, id);
        var matchedWhole = added.OrderByDescending(a => a.Content.Length).ToDictionary(a => a.Content, a => a.Id);
        var tokenizer = ByteLevelBpe(vocab, merges, matchedWhole);
        int? eot = added.Where(a => a.Special && a.Content == "<|endoftext|>").Select(a => (int?)a.Id).FirstOrDefault();
        return new ModelTokenizer(tokenizer, Specials(folder, matchedWhole, eot), "tokenizer.json (byte-level BPE)", normalization);
    }

    static bool UsesByteLevel(JsonNode? pre) => pre?["type"]?.GetValue<string>() switch
    {
        "ByteLevel" => true,
        "Sequence" => (pre["pretokenizers"] as JsonArray ?? []).Any(UsesByteLevel),
        _ => false,
    };

    static BpeTokenizer ByteLevelBpe(Dictionary<string, int> vocab, IReadOnlyList<string> merges, Dictionary<string, int> added) =>
        BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = added,
            PreTokenizer = new RegexPreTokenizer(Gpt2Regex(), added),
        });

    static ModelTokenizer SentencePiece(string folder, string path)
    {
        var pieces = SentencePieceModel.ReadPieces(path);
        // Control and user-defined pieces are matched whole, longest first: ML.Tokenizers tries them in the order given,
        // so "\n" would otherwise win over "\n\n".
        var whole = pieces.Select((p, id) => (p, id))
            .Where(x => x.p.Type is SentencePieceModel.PieceType.Control or SentencePieceModel.PieceType.UserDefined)
            .OrderByDescending(x => x.p.Text.Length).ThenBy(x => x.id)
            .ToDictionary(x => x.p.Text, x => x.id);
        using var stream = File.OpenRead(path);
        Tokenizer tokenizer;
        try
        {
            tokenizer = SentencePieceTokenizer.Create(stream, false, false, whole);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new PipelineException($"{path}: not a SentencePiece model this reader supports ({e.Message})", path);
        }
        int? Id(string piece) => whole.TryGetValue(piece, out int id) ? id : null;
        var special = SpecialsFromConfig(folder) ?? new SpecialTokens(Id("<bos>") ?? Id("<s>"), Id("<eos>") ?? Id("</s>"), Id("<pad>"));
        return new ModelTokenizer(tokenizer, special, "tokenizer.model (SentencePiece)");
    }

    /// <summary>config.json's ids when it states them; else &lt;|endoftext|&gt; as BOS, EOS and PAD (GPT-2, Pythia).</summary>
    static SpecialTokens Specials(string folder, IReadOnlyDictionary<string, int> added, int? eot) =>
        SpecialsFromConfig(folder) ?? new SpecialTokens(eot, eot, added.TryGetValue("<|padding|>", out int pad) ? pad : eot);

    static SpecialTokens? SpecialsFromConfig(string folder)
    {
        if (!File.Exists(Path.Combine(folder, HfConfig.FileName))) return null;
        var config = HfConfig.Read(folder);
        int? bos = config.OptionalInt("bos_token_id"), eos = config.OptionalInt("eos_token_id");
        if (bos is null && eos is null) return null;
        // TransformerLens gives tokenizers without a pad token the EOS id as padding (GPT-2, Pythia).
        return new SpecialTokens(bos ?? eos, eos ?? bos, config.OptionalInt("pad_token_id") ?? eos ?? bos);
    }

    [GeneratedRegex(Gpt2Pattern)]
    internal static partial Regex Gpt2Regex();
}
