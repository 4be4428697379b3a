using System.Text.Json.Nodes;
using Google.Protobuf;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Models;

/// <summary>
/// Tokenizers against references: GPT-2 byte-level BPE ids from OpenAI's encoder (cross-checked against HF's
/// GPT2Tokenizer; tests/fixtures/tokenizer/cases.json), and a hand-built SentencePiece model whose encodings follow
/// from SentencePiece's rules.
/// </summary>
public sealed class TokenizerTests
{
    static readonly JsonArray Cases = JsonNode.Parse(File.ReadAllText(Fixtures.Golden("tokenizer", "cases.json")))!["cases"]!.AsArray();

    [Fact]
    public void Gpt2VocabAndMergesMatchTheReferenceIdsAndRoundTrip()
    {
        var tokenizer = TokenizerLoader.Load(Fixtures.Golden("tokenizer"));
        Assert.Contains("vocab.json + merges.txt", tokenizer.Source);
        AssertMatchesCases(tokenizer);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gpt2TokenizerJsonMatchesTheReferenceIds(bool mergesAsPairs)
    {
        // tokenizer.json as HF writes it for GPT-2, built here from the same vocab and merges.
        using var dir = new TempDir();
        var vocab = JsonNode.Parse(File.ReadAllText(Fixtures.Golden("tokenizer", "vocab.json")))!.AsObject();
        var merges = File.ReadLines(Fixtures.Golden("tokenizer", "merges.txt")).Skip(1).Where(l => l.Length > 0)
            .Select(l => mergesAsPairs ? (JsonNode)new JsonArray(l.Split(' ')[0], l.Split(' ')[1]) : JsonValue.Create(l)!).ToArray();
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 50256, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab.DeepClone(), ["merges"] = new JsonArray(merges) },
        };
        File.WriteAllText(Path.Combine(dir.Path, "tokenizer.json"), json.ToJsonString());
        var tokenizer = TokenizerLoader.Load(dir.Path);
        Assert.Contains("tokenizer.json", tokenizer.Source);
        AssertMatchesCases(tokenizer);
        // <|endoftext|> in text is the special token, as in HF; and it is BOS, EOS and PAD for GPT-2.
        Assert.Equal([50256], tokenizer.Encode("<|endoftext|>"));
        Assert.Equal(new SpecialTokens(50256, 50256, 50256), tokenizer.Special);
        Assert.Equal([50256, 31373], tokenizer.EncodeForModel("hello"));
    }

    static void AssertMatchesCases(ModelTokenizer tokenizer)
    {
        Assert.True(Cases.Count >= 19);
        foreach (var c in Cases)
        {
            string text = c!["text"]!.GetValue<string>();
            var expected = c["ids"]!.AsArray().Select(i => i!.GetValue<int>()).ToList();
            Assert.True(expected.SequenceEqual(tokenizer.Encode(text)), $"case {c["id"]}: {text}");
            Assert.Equal(text, tokenizer.Decode(expected));
        }
    }

    [Fact]
    public void SentencePieceMatchesUserDefinedPiecesWholeAndFallsBackToBytes()
    {
        // A Gemma-shaped model: control <pad>/<eos>/<bos>, <unk>, two user-defined pieces, a few BPE pieces, 256 bytes.
        using var dir = new TempDir();
        string[] normal = ["▁", "a", "b", "▁a", "ab", "▁ab"];
        var pieces = new List<(string, float, SentencePieceModel.PieceType)>
        {
            ("<pad>", 0, SentencePieceModel.PieceType.Control), ("<eos>", 0, SentencePieceModel.PieceType.Control),
            ("<bos>", 0, SentencePieceModel.PieceType.Control), ("<unk>", 0, SentencePieceModel.PieceType.Unknown),
            ("\n", 0, SentencePieceModel.PieceType.UserDefined), ("\n\n", 0, SentencePieceModel.PieceType.UserDefined),
            ("<start_of_turn>", 0, SentencePieceModel.PieceType.UserDefined),
        };
        // As SentencePiece's trainer lays them out: meta pieces, then the 256 byte pieces, then the learned pieces.
        pieces.AddRange(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", 0f, SentencePieceModel.PieceType.Byte)));   // ids 7..262
        pieces.AddRange(normal.Select((p, i) => (p, -(float)i, SentencePieceModel.PieceType.Normal)));                 // ids 263..268
        const int Bytes = 7, Learned = 263;
        File.WriteAllBytes(Path.Combine(dir.Path, "tokenizer.model"), SentencePieceProto(pieces));
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), """{"model_type": "gemma2", "bos_token_id": 2, "eos_token_id": 1, "pad_token_id": 0}""");

        var tokenizer = TokenizerLoader.Load(dir.Path);
        Assert.Equal(new SpecialTokens(2, 1, 0), tokenizer.Special);
        Assert.Equal([Learned + 4], tokenizer.Encode("ab"));                          // no dummy prefix (Gemma); "ab" merges whole
        Assert.Equal([Learned + 5], tokenizer.Encode(" ab"));                         // a space is "▁"
        Assert.Equal([Learned + 1, 5, Learned + 2], tokenizer.Encode("a\n\nb"));     // "\n\n" whole, not "\n" twice
        Assert.Equal([6, Learned + 1], tokenizer.Encode("<start_of_turn>a"));
        Assert.Equal([Bytes + 0x63], tokenizer.Encode("c"));                          // unknown character → its UTF-8 byte
        Assert.Equal([Bytes + 0xC3, Bytes + 0xA9], tokenizer.Encode("é"));
        Assert.Equal([2, Learned + 4], tokenizer.EncodeForModel("ab"));
        foreach (var text in new[] { "ab ab", "a\n\nb\n", "<start_of_turn>a b", "cé" })
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void MissingOrUnsupportedTokenizersAreNamed()
    {
        using var dir = new TempDir();
        var error = Assert.Throws<PipelineException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains("expected tokenizer.model (SentencePiece), tokenizer.json, or vocab.json + merges.txt", error.Message);
        dir.File("vocab.json", "{}");
        error = Assert.Throws<PipelineException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains("merges.txt is missing", error.Message);
        dir.File("tokenizer.json", """{"model": {"type": "WordPiece", "vocab": {}}, "pre_tokenizer": {"type": "BertPreTokenizer"}}""");
        error = Assert.Throws<PipelineException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains("only byte-level BPE tokenizer.json files are supported", error.Message);
    }

    /// <summary>A sentencepiece.ModelProto: pieces (field 1), trainer_spec (2: BPE, byte_fallback), normalizer_spec (3).</summary>
    static byte[] SentencePieceProto(IEnumerable<(string Piece, float Score, SentencePieceModel.PieceType Type)> pieces)
    {
        static byte[] Message(Action<CodedOutputStream> write)
        {
            using var buffer = new MemoryStream();
            var output = new CodedOutputStream(buffer);
            write(output);
            output.Flush();
            return buffer.ToArray();
        }
        var list = pieces.ToList();
        return Message(o =>
        {
            foreach (var (piece, score, type) in list)
            {
                o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(Message(p =>
                {
                    p.WriteTag(1, WireFormat.WireType.LengthDelimited); p.WriteString(piece);
                    p.WriteTag(2, WireFormat.WireType.Fixed32); p.WriteFloat(score);
                    p.WriteTag(3, WireFormat.WireType.Varint); p.WriteEnum((int)type);
                })));
            }
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(Message(t =>
            {
                t.WriteTag(3, WireFormat.WireType.Varint); t.WriteEnum(2);            // model_type BPE
                t.WriteTag(4, WireFormat.WireType.Varint); t.WriteInt32(list.Count);  // vocab_size
                t.WriteTag(35, WireFormat.WireType.Varint); t.WriteBool(true);        // byte_fallback
                t.WriteTag(40, WireFormat.WireType.Varint); t.WriteInt32(3);          // unk_id
                t.WriteTag(41, WireFormat.WireType.Varint); t.WriteInt32(2);          // bos_id
                t.WriteTag(42, WireFormat.WireType.Varint); t.WriteInt32(1);          // eos_id
                t.WriteTag(43, WireFormat.WireType.Varint); t.WriteInt32(0);          // pad_id
            })));
            o.WriteTag(3, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(Message(n =>
            {
                n.WriteTag(3, WireFormat.WireType.Varint); n.WriteBool(false);        // add_dummy_prefix (Gemma: off)
                n.WriteTag(4, WireFormat.WireType.Varint); n.WriteBool(false);        // remove_extra_whitespaces
                n.WriteTag(5, WireFormat.WireType.Varint); n.WriteBool(true);         // escape_whitespaces
            })));
        });
    }
}
