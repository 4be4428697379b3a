using System.Diagnostics;
using System.Text.Json.Nodes;
using SaePipeline.Config;
using SaePipeline.Data;
using SaePipeline.Formats;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Models.Builtin;

/// <summary>What building a built-in model measured; PrepareModel records it in its manifest.</summary>
public sealed record BuiltinModelReport
{
    public required string Preset { get; init; }
    public required long Seed { get; init; }
    public required int VocabSize { get; init; }
    public required long Parameters { get; init; }
    public required long TrainingTokens { get; init; }
    public required double HeldoutCe { get; init; }
    public required double LnVocab { get; init; }

    /// <summary>HeldoutCe / ln(vocab): 1 is a uniform guess; the preset must reach its MaxHeldoutCeFraction.</summary>
    public required double HeldoutCeFraction { get; init; }

    public required double TokenizerSeconds { get; init; }
    public required double DataSeconds { get; init; }
    public required double TrainingSeconds { get; init; }
    public required double TrainingTokensPerSecond { get; init; }
    public required IReadOnlyList<LossPoint> Curve { get; init; }
}

/// <summary>
/// Makes a built-in model as a normal HuggingFace folder: learn a byte-level BPE from the mixed corpus, pack the
/// corpus into rows (SAELens's packing, so training rows look like the rows CacheActivations feeds it), pretrain a
/// GPT-NeoX, measure held-out CE on the corpus's held-out split, and save config.json, model.safetensors and the
/// tokenizer files. Same spec and seed → the same files (on the same device and thread count).
/// </summary>
public static class BuiltinModelBuilder
{
    public const string Corpus = "mixed";

    public static BuiltinModelReport Build(BuiltinModelSpec spec, long seed, string folder, Device device, Action<string> log, string label)
    {
        Directory.CreateDirectory(folder);
        var corpus = new DatasetSpec { Name = Corpus, Kind = DatasetKind.Text.Name, Generator = Corpus, Seed = seed };

        var clock = Stopwatch.StartNew();
        var documents = DatasetSource.Texts(corpus, DatasetSource.Train).Take(spec.TokenizerDocuments);
        var bpe = BpeTrainer.Train(documents, spec.VocabSize, [HfTokenizerFiles.EndOfText]);
        int endOfText = bpe.SpecialTokenId(HfTokenizerFiles.EndOfText);
        WriteConfig(folder, spec, bpe.VocabSize, endOfText);
        HfTokenizerFiles.Write(folder, bpe, spec.Context);
        var tokenizer = TokenizerLoader.Load(folder);
        double tokenizerSeconds = clock.Elapsed.TotalSeconds;
        log($"tokenizer: byte-level BPE, {bpe.VocabSize} tokens ({bpe.Merges.Count} merges) learned from {spec.TokenizerDocuments:N0} documents in {tokenizerSeconds:F1} s");

        clock.Restart();
        var s = spec.Training;
        var train = CorpusRows.Pack(DatasetSource.Texts(corpus, DatasetSource.Train), tokenizer, s.Steps * s.BatchRows, spec.Context, endOfText);
        var heldout = CorpusRows.Pack(DatasetSource.Texts(corpus, DatasetSource.Heldout), tokenizer, spec.HeldoutRows, spec.Context, endOfText);
        double dataSeconds = clock.Elapsed.TotalSeconds;
        long tokens = (long)train.Length;
        log($"corpus: {train.GetLength(0):N0} training rows ({tokens:N0} tokens) and {spec.HeldoutRows} held-out rows of {spec.Context} in {dataSeconds:F1} s");

        using var model = ModelLoader.Build(HfConfig.Read(folder), new InitialWeights(seed, ScalarType.Float32, device), ScalarType.Float32, device);
        log($"gpt_neox: {spec.NLayers} layers, d_model {spec.DModel}, {spec.NHeads} heads, d_mlp {spec.DMlp}, {model.ParameterCount / 1e6:F2} M parameters, on {TorchRuntime.Describe(device)}");
        if (spec.SpellingScale > 0)
        {
            var embedding = model.Weights.Single(w => w.Name == "gpt_neox.embed_in.weight").Tensor;
            int planted = PlantedSpelling.Plant(embedding, tokenizer, spec.SpellingScale, seed);
            log($"planted first-letter directions of norm {spec.SpellingScale} in {planted:N0} word tokens' embeddings");
        }
        clock.Restart();
        var progress = new Progress(label, s.Steps, "steps");
        var curve = new Pretrainer(model, s, log).Train(train, seed, logEvery: Math.Max(1, s.Steps / 10), progress);
        double trainingSeconds = clock.Elapsed.TotalSeconds;
        progress.Done($"{tokens / trainingSeconds:N0} tokens/s");

        double heldoutCe = Pretrainer.HeldoutCrossEntropy(model, heldout, s.BatchRows);
        double lnVocab = Math.Log(bpe.VocabSize);
        log($"held-out CE {heldoutCe:F3} nats = {heldoutCe / lnVocab:F3} × ln(vocab {bpe.VocabSize}) (must be ≤ {spec.MaxHeldoutCeFraction})");
        if (heldoutCe > spec.MaxHeldoutCeFraction * lnVocab)
            throw new PipelineException(
                $"built-in model '{spec.Name}' reached held-out CE {heldoutCe:F3}, above {spec.MaxHeldoutCeFraction} × ln({bpe.VocabSize}) = {spec.MaxHeldoutCeFraction * lnVocab:F3}; " +
                "it has not learned the corpus, so CE-based evaluations would mean little. This is a bug in the preset or the trainer", folder);

        Safetensors.Save(Path.Combine(folder, "model.safetensors"), model.Weights.ToDictionary(w => w.Name, w => w.Tensor),
                         new Dictionary<string, string> { ["format"] = "pt" });
        return new BuiltinModelReport
        {
            Preset = spec.Name, Seed = seed, VocabSize = bpe.VocabSize, Parameters = model.ParameterCount, TrainingTokens = tokens,
            HeldoutCe = Math.Round(heldoutCe, 5), LnVocab = Math.Round(lnVocab, 5), HeldoutCeFraction = Math.Round(heldoutCe / lnVocab, 5),
            TokenizerSeconds = Math.Round(tokenizerSeconds, 2), DataSeconds = Math.Round(dataSeconds, 2), TrainingSeconds = Math.Round(trainingSeconds, 2),
            TrainingTokensPerSecond = Math.Round(tokens / trainingSeconds), Curve = curve,
        };
    }

    /// <summary>config.json as transformers writes it for GPTNeoXForCausalLM, so HF loads the folder too.</summary>
    static void WriteConfig(string folder, BuiltinModelSpec spec, int vocabSize, int endOfText)
    {
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("GPTNeoXForCausalLM"),
            ["model_type"] = "gpt_neox",
            ["vocab_size"] = vocabSize,
            ["hidden_size"] = spec.DModel,
            ["num_hidden_layers"] = spec.NLayers,
            ["num_attention_heads"] = spec.NHeads,
            ["intermediate_size"] = spec.DMlp,
            ["hidden_act"] = "gelu",
            ["rotary_pct"] = 0.25,
            ["rotary_emb_base"] = 10000,
            ["max_position_embeddings"] = spec.Context,
            ["layer_norm_eps"] = 1e-5,
            ["use_parallel_residual"] = true,
            ["attention_bias"] = true,
            ["tie_word_embeddings"] = false,
            ["initializer_range"] = 0.02,
            ["attention_dropout"] = 0.0,
            ["hidden_dropout"] = 0.0,
            ["bos_token_id"] = endOfText,
            ["eos_token_id"] = endOfText,
            ["torch_dtype"] = "float32",
            ["use_cache"] = true,
            ["builtin_preset"] = spec.Name,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(Json.Options) + "\n");
    }
}
