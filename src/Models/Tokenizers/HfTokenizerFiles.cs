using System.Text.Encodings.Web;
using System.Text.Json;

namespace SaePipeline.Models.Tokenizers;

/// <summary>
/// Writes a <see cref="LearnedBpe"/> as HuggingFace's <c>save_pretrained</c> leaves a GPT-2/Pythia-style fast tokenizer:
/// <c>tokenizer.json</c> (the whole pipeline, read by <see cref="TokenizerLoader"/> and by HF <c>tokenizers</c>),
/// <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c> (read by transformers' AutoTokenizer).
/// The same model always gives the same bytes.
/// </summary>
public static class HfTokenizerFiles
{
    public const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// Writes the three files into <paramref name="folder"/> (created if missing, files overwritten).
    /// <paramref name="endOfText"/> must be one of the model's special tokens; it is BOS, EOS and UNK, as in GPT-2 and Pythia.
    /// </summary>
    public static void Write(string folder, LearnedBpe model, int modelMaxLength, string endOfText = EndOfText)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modelMaxLength, 1);
        model.SpecialTokenId(endOfText);
        Directory.CreateDirectory(folder);
        WriteJson(Path.Combine(folder, "tokenizer.json"), w => TokenizerJson(w, model));
        WriteJson(Path.Combine(folder, "tokenizer_config.json"), w => TokenizerConfig(w, model, modelMaxLength, endOfText));
        WriteJson(Path.Combine(folder, "special_tokens_map.json"), w => SpecialTokensMap(w, model, endOfText));
    }

    static void TokenizerJson(Utf8JsonWriter w, LearnedBpe model)
    {
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        foreach (string special in model.SpecialTokens)
        {
            w.WriteStartObject();
            w.WriteNumber("id", model.SpecialTokenId(special));
            w.WriteString("content", special);
            AddedTokenFlags(w);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNull("normalizer");
        // The regex is GPT-2's; no prefix space, so a text's first word is spelled without "Ġ" (GPT-2, Pythia).
        ByteLevel(w, "pre_tokenizer");
        ByteLevel(w, "post_processor");
        ByteLevel(w, "decoder");
        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteNull("unk_token");
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", false);
        w.WriteBoolean("byte_fallback", false);
        // Specials are in the model's vocab too, as HF's BpeTrainer leaves them.
        w.WriteStartObject("vocab");
        foreach (var (token, id) in model.Vocab) w.WriteNumber(token, id);
        w.WriteEndObject();
        // "a b" strings: what tokenizers before 0.20 write, and every version reads. No learned token holds a space
        // (a space byte is spelled "Ġ"), so the split is unambiguous.
        w.WriteStartArray("merges");
        foreach (var (left, right) in model.Merges) w.WriteStringValue($"{left} {right}");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    static void ByteLevel(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", false);
        w.WriteBoolean("trim_offsets", true);
        w.WriteBoolean("use_regex", true);
        w.WriteEndObject();
    }

    static void AddedTokenFlags(Utf8JsonWriter w)
    {
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("lstrip", false);
        w.WriteBoolean("rstrip", false);
        w.WriteBoolean("normalized", false);
    }

    static void TokenizerConfig(Utf8JsonWriter w, LearnedBpe model, int modelMaxLength, string endOfText)
    {
        // GPT-NeoX's tokenizer adds neither BOS nor EOS; TransformerLens prepends BOS itself.
        w.WriteBoolean("add_bos_token", false);
        w.WriteBoolean("add_eos_token", false);
        w.WriteBoolean("add_prefix_space", false);
        w.WriteStartObject("added_tokens_decoder");
        foreach (string special in model.SpecialTokens)
        {
            w.WriteStartObject(model.SpecialTokenId(special).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("content", special);
            AddedTokenFlags(w);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        AdditionalSpecialTokens(w, model, endOfText);
        w.WriteString("bos_token", endOfText);
        w.WriteBoolean("clean_up_tokenization_spaces", false);
        w.WriteString("eos_token", endOfText);
        w.WriteNumber("model_max_length", modelMaxLength);
        // The generic fast class: it takes tokenizer.json as it is, in every transformers version.
        w.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
        w.WriteString("unk_token", endOfText);
    }

    static void SpecialTokensMap(Utf8JsonWriter w, LearnedBpe model, string endOfText)
    {
        AdditionalSpecialTokens(w, model, endOfText);
        w.WriteString("bos_token", endOfText);
        w.WriteString("eos_token", endOfText);
        w.WriteString("unk_token", endOfText);
    }

    static void AdditionalSpecialTokens(Utf8JsonWriter w, LearnedBpe model, string endOfText)
    {
        var others = model.SpecialTokens.Where(s => s != endOfText).ToList();
        if (others.Count == 0) return;
        w.WriteStartArray("additional_special_tokens");
        foreach (string special in others) w.WriteStringValue(special);
        w.WriteEndArray();
    }

    static void WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = File.Create(path);
        // Unescaped non-ASCII and "\n" line ends, like HF's pretty output, so the files read the same everywhere.
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
    }
}
