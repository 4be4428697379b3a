using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SaePipeline.Artifacts;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Models;
using SaePipeline.Models.Prepare;
using SaePipeline.Models.Tokenizers;
using SaePipeline.Runtime;

namespace SaePipeline.Activations;

/// <summary>
/// CacheActivations from a model: text → tokens → forward to the hook layer → one Parquet row per token.
/// <list type="bullet">
/// <item>Corpus: SAELens packing (<see cref="TokenPacking"/>): every row of <c>context</c> tokens starts with BOS,
///   documents run on across rows separated by BOS. <c>doc</c> is the packed row's index, <c>pos</c> the position in it.
///   The training split fills part-*.parquet, the held-out split heldout-*.parquet.</item>
/// <item>Labelled: one row per text, BOS + tokens truncated to <c>context</c>, right-padded within the batch and run
///   without an attention mask as SAEBench does (docs/saebench.md §2.5). Only real positions are stored (padding's
///   activations are zeroed by every SAEBench eval anyway); <c>doc</c> is the text's row in its split, and every
///   label is an int32 column (the value itself for int labels, the index into <c>label_classes</c> otherwise).</item>
/// </list>
/// BOS/EOS/PAD ids are in the manifest (<c>special_tokens</c>) so later stages can exclude those positions. Memory is
/// bounded by one batch of activations plus two row groups, whatever the number of tokens.
/// </summary>
public static class ModelCache
{
    public static void Run(StageContext context, CacheActivationsParams p)
    {
        var settings = p.Model ?? throw new PipelineException("a model cache needs the activations settings", context.Spec.Id);
        var dataset = p.Dataset ?? throw new PipelineException("a model cache needs a data set", context.Spec.Id);
        var (modelDir, _) = context.Input(InputRole.Model);
        var prepared = PreparedModel.Open(modelDir);
        var device = TorchRuntime.Resolve(settings.Device);
        using var model = ModelLoader.Load(prepared.Source, ModelLoader.ParseDtype(prepared.Dtype, modelDir), device, w => context.Log($"WARN {w}"));
        var tokenizer = TokenizerLoader.Load(prepared.Source);
        var hook = HookPoint.Parse(settings.Hook, model.Dims.NLayers);
        var special = tokenizer.Special;
        int bos = special.Bos ?? throw new PipelineException(
            $"{prepared.Source}: the tokenizer has no BOS token, and every cached row starts with one (SAELens, SAEBench)", prepared.Source);
        int pad = special.Pad ?? special.Eos ?? bos;
        context.Log($"{dataset.Name} ({dataset.Kind}, {(dataset.Generator is null ? "files" : $"built-in seed {dataset.Seed}")}) through " +
                    $"{model.Dims.Architecture} to {hook.Name} on {TorchRuntime.Describe(device)}; {settings.DtypeName} storage");

        var runner = new HookRunner(model, hook);
        var clock = Stopwatch.StartNew();
        var splits = new Dictionary<string, IReadOnlyList<ShardInfo>>();
        var facts = new JsonObject { ["kind"] = p.Source == ActivationSource.Corpus ? "corpus" : "labelled", ["dataset"] = dataset.Name };
        long tokens = 0;
        IReadOnlyList<string> labelColumns = [];
        Dictionary<string, IReadOnlyList<string>>? labelClasses = null;

        if (p.Source == ActivationSource.Corpus)
        {
            long trainRows = CeilDiv(p.NTokens, settings.Context), heldoutRows = CeilDiv(p.NHeldoutTokens, settings.Context);
            bool heldout = heldoutRows > 0 && DatasetSource.HasSplit(dataset, DatasetSource.Heldout);
            if (heldoutRows > 0 && !heldout) context.Log($"WARN data set {dataset.Name} has no test file, so the cache has no held-out split");
            var progress = new Progress(context.Label, (trainRows + (heldout ? heldoutRows : 0)) * settings.Context, "tokens");
            var schema = new ActivationSchema(runner.DModel, [], settings.DtypeName);
            var metadata = Metadata(context.Spec.Id, settings, runner.DModel);
            (splits[CacheActivationsStage.TrainSplit], long trainWritten) = WritePacked(context.OutputDir, "part", settings, runner, schema, metadata,
                tokenizer.EncodeMany(DatasetSource.Texts(dataset, DatasetSource.Train)), trainRows, bos, progress, 0, context.Log);
            tokens += trainWritten;
            if (heldout)
            {
                (splits[CacheActivationsStage.HeldoutSplit], long heldoutWritten) = WritePacked(context.OutputDir, "heldout", settings, runner, schema, metadata,
                    tokenizer.EncodeMany(DatasetSource.Texts(dataset, DatasetSource.Heldout)), heldoutRows, bos, progress, tokens, context.Log);
                tokens += heldoutWritten;
            }
            progress.Done($"{tokens / clock.Elapsed.TotalSeconds:N0} tokens/s");
            facts["packing"] = "saelens: BOS at every row start, BOS between documents";
        }
        else
        {
            var tables = new Dictionary<string, TextTable> { [CacheActivationsStage.TrainSplit] = DatasetSource.Table(dataset, DatasetSource.Train) };
            if (DatasetSource.HasSplit(dataset, DatasetSource.Test))
                tables[CacheActivationsStage.TestSplit] = DatasetSource.Table(dataset, DatasetSource.Test);
            var kind = dataset.KindInfo;
            labelColumns = kind.Labels.Select(l => l.Name).ToList();
            // Codes must mean the same class in every split, so non-int classes are indexed over all splits together.
            labelClasses = kind.Labels.Where(l => l.Kind != LabelKind.Int).ToDictionary(
                l => l.Name,
                l => (IReadOnlyList<string>)new LabelColumn(l.Name, l.Kind, tables.Values.SelectMany(t => t.Label(l.Name).Values).ToList()).Classes());
            var sets = p.Selection is { } selection ? SelectRows(context, selection, dataset, tables) : null;
            var rowsOf = tables.ToDictionary(kv => kv.Key, kv => sets?.RowsOf(kv.Key) ?? Enumerable.Range(0, kv.Value.Count).ToList());
            var schema = new ActivationSchema(runner.DModel, labelColumns, settings.DtypeName);
            var metadata = Metadata(context.Spec.Id, settings, runner.DModel);
            var progress = new Progress(context.Label, rowsOf.Values.Sum(r => (long)r.Count), "texts");
            long textsDone = 0;
            foreach (var (split, table) in tables)
            {
                var rows = rowsOf[split];
                var codes = LabelCodes(table, kind, labelClasses).Select(c => rows.Select(r => c[r]).ToArray()).ToArray();
                (splits[split], long written) = WriteLabelled(context.OutputDir, split == CacheActivationsStage.TrainSplit ? "part" : split,
                    settings, runner, schema, metadata, tokenizer.EncodeMany(rows.Select(r => table.Texts[r])), codes, rows, bos, pad, progress, textsDone);
                tokens += written;
                textsDone += rows.Count;
                facts[$"{split}_texts"] = rows.Count;
                if (sets is not null) facts[$"{split}_table_rows"] = table.Count;
            }
            progress.Done($"{tokens / clock.Elapsed.TotalSeconds:N0} tokens/s");
            facts["padding"] = "right; only real positions are stored";
        }

        double seconds = clock.Elapsed.TotalSeconds;
        facts["model"] = prepared.Name ?? prepared.Source;
        var info = new ActivationCacheInfo
        {
            DIn = runner.DModel,
            Dtype = settings.DtypeName,
            Hook = hook.Name,
            LabelColumns = labelColumns,
            LabelClasses = labelClasses,
            RowsPerRowGroup = settings.RowsPerRowGroup,
            Splits = splits,
            Source = facts,
            Context = settings.Context,
            SpecialTokens = new SpecialTokens(special.Bos, special.Eos, pad),
            Tokens = tokens,
            TokensPerSecond = Math.Round(tokens / seconds),
        };
        context.Log($"{tokens:N0} tokens cached in {seconds:F1} s ({info.TokensPerSecond:N0} tokens/s)");
        context.Commit((JsonObject)Json.ToNode(info));
    }

    /// <summary>Packs tokenized documents into rows, runs them to the hook and writes <c>&lt;prefix&gt;-*.parquet</c> in <paramref name="dir"/>.</summary>
    public static (IReadOnlyList<ShardInfo> Shards, long Tokens) WritePacked(
        string dir, string prefix, ModelCacheSettings settings, HookRunner runner, ActivationSchema schema, IReadOnlyDictionary<string, string> metadata,
        IEnumerable<int[]> documents, long rows, int bos, Progress? progress, long done, Action<string> log)
    {
        int context_ = settings.Context, batchRows = settings.BatchRows;
        var cacheWriter = new ActivationCacheWriter(dir, prefix, schema, settings.RowsPerShard, metadata);
        var writer = new TokenRowWriter(cacheWriter, settings.RowsPerRowGroup, runner.DModel, 0);
        var ids = new long[batchRows * context_];
        var batchTokens = new int[batchRows][];
        long row = 0;
        try
        {
            // Text generation, tokenizing and packing run a few batches ahead on a worker, overlapping the forward.
            using var packed = Prefetch.Ahead(TokenPacking.Pack(documents, context_, bos, bos), 4 * batchRows).GetEnumerator();
            while (row < rows)
            {
                int b = 0;
                while (b < batchRows && row + b < rows && packed.MoveNext())
                {
                    batchTokens[b] = packed.Current.Tokens;
                    for (int t = 0; t < context_; t++) ids[b * context_ + t] = batchTokens[b][t];
                    b++;
                }
                if (b == 0)
                {
                    log($"WARN the corpus ran out after {row:N0} of {rows:N0} rows; the {prefix} split is shorter than asked");
                    break;
                }
                var acts = runner.Run(ids, b, context_);
                for (int i = 0; i < b; i++)
                    writer.AddSequence(row + i, batchTokens[i], context_, [], acts, i * context_ * runner.DModel);
                row += b;
                progress?.Report(done + row * context_);
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return (cacheWriter.Shards, row * context_);
    }

    /// <summary>
    /// One right-padded row per tokenized text (BOS prepended, truncated to the context), run to the hook, real
    /// positions written to <c>&lt;prefix&gt;-*.parquet</c> in <paramref name="dir"/> with the texts' label codes;
    /// <paramref name="docs"/> holds each text's row number in its split, written as <c>doc</c>.
    /// </summary>
    public static (IReadOnlyList<ShardInfo> Shards, long Tokens) WriteLabelled(
        string dir, string prefix, ModelCacheSettings settings, HookRunner runner, ActivationSchema schema, IReadOnlyDictionary<string, string> metadata,
        IEnumerable<int[]> texts, int[][] codes, IReadOnlyList<int> docs, int bos, int pad, Progress? progress, long done)
    {
        int batchRows = settings.BatchRows;
        var cacheWriter = new ActivationCacheWriter(dir, prefix, schema, settings.RowsPerShard, metadata);
        var writer = new TokenRowWriter(cacheWriter, settings.RowsPerRowGroup, runner.DModel, codes.Length);
        var ids = new long[batchRows * settings.Context];
        var rowLabels = new int[codes.Length];
        long tokens = 0;
        try
        {
            int index = 0;
            var batch = new List<int[]>(batchRows);
            using var pending = texts.GetEnumerator();
            bool more = pending.MoveNext();
            while (more)
            {
                var encoded = pending.Current;
                more = pending.MoveNext();
                // BOS + text, truncated to the context: HF's padding="max_length", truncation=True after TL's prepend_bos.
                int length = Math.Min(settings.Context, encoded.Length + 1);
                var row = new int[length];
                row[0] = bos;
                Array.Copy(encoded, 0, row, 1, length - 1);
                batch.Add(row);
                if (batch.Count == batchRows || !more)
                {
                    int positions = batch.Max(r => r.Length), first = index + 1 - batch.Count;
                    Array.Fill(ids, pad);
                    for (int b = 0; b < batch.Count; b++)
                        for (int t = 0; t < batch[b].Length; t++) ids[b * positions + t] = batch[b][t];
                    var acts = runner.Run(ids, batch.Count, positions);
                    for (int b = 0; b < batch.Count; b++)
                    {
                        for (int l = 0; l < codes.Length; l++) rowLabels[l] = codes[l][first + b];
                        writer.AddSequence(docs[first + b], batch[b], batch[b].Length, rowLabels, acts, b * positions * runner.DModel);
                        tokens += batch[b].Length;
                    }
                    batch.Clear();
                    progress?.Report(done + index + 1);
                }
                index++;
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return (cacheWriter.Shards, tokens);
    }

    /// <summary>
    /// The probe sets an evaluation draws from the data set (<see cref="ProbeSelection"/>), written to probe_sets.json
    /// beside the shards. Pairs or classes without enough rows are skipped with a warning naming them and their
    /// counts; if nothing is left, the stage fails rather than cache an evaluation that cannot run.
    /// </summary>
    static ProbeSetFile SelectRows(StageContext context, ProbeSelection selection, DatasetSpec dataset, Dictionary<string, TextTable> tables)
    {
        if (!tables.TryGetValue(CacheActivationsStage.TestSplit, out var test))
            throw new PipelineException($"data set {dataset.Name} has no test split; {selection.Task} trains probes on train and scores them on test", dataset.Name);
        var train = tables[CacheActivationsStage.TrainSplit];
        var sets = selection.Build(dataset, train, test);
        string sizes = $"{train.Count:N0} train and {test.Count:N0} test rows of {dataset.Name}";
        bool usable;
        if (sets.Pairs is { } pairs)
        {
            foreach (var pair in pairs.Where(pr => pr.Skipped is not null))
                context.Log($"WARN SCR pair {pair.Positive.Name}/{pair.Negative.Name} skipped: {pair.Skipped}");
            int kept = pairs.Count(pr => pr.Skipped is null);
            context.Log($"SCR: {kept} of {pairs.Count} pairs from {sizes}, {selection.TrainPerGroup} train and {selection.TestPerGroup} test texts per quadrant");
            usable = kept > 0;
        }
        else if (sets.SparseProbing is { } subsets)
        {
            foreach (var subset in subsets)
                foreach (var seed in subset.Seeds)
                    foreach (var skipped in seed.Skipped) context.Log($"WARN sparse probing {subset.Subset} seed {seed.Seed}: {skipped}");
            context.Log($"sparse probing: {string.Join(", ", subsets.Select(s => $"{s.Subset} {s.Seeds[0].Classes.Count} classes"))} from {sizes}, " +
                        $"{selection.TrainSetSize} train and {selection.TestSetSize} test texts per one-vs-rest probe");
            usable = subsets.All(s => s.Seeds.All(x => x.Classes.Count >= 2));
        }
        else
        {
            foreach (var seed in sets.Seeds!)
                foreach (var skipped in seed.Skipped) context.Log($"WARN TPP seed {seed.Seed}: {skipped}");
            context.Log($"TPP: {string.Join(", ", sets.Seeds!.Select(s => $"seed {s.Seed} {s.Classes.Count} classes"))} from {sizes}, " +
                        $"{selection.TrainPerGroup} train and {selection.TestPerGroup} test texts per (class, {ConceptColumns.For(dataset.Kind)!.Spurious})");
            usable = sets.Seeds!.All(s => s.Classes.Count >= 2);   // a probe's negatives are the other classes
        }
        if (!usable)
            throw new PipelineException(
                $"{dataset.Name}: {(sets.Pairs is null ? $"a {selection.Task} seed is left with fewer than two classes" : "no SCR pair has enough rows")} (see the warnings above); " +
                $"use a larger data set (datasets.{dataset.Name}.train_rows/test_rows for a built-in one) or smaller train_set_size/test_set_size (evals.probes, evals.sparse_probing)", dataset.Name);
        AtomicFile.WriteAllText(Path.Combine(context.OutputDir, ProbeSetFile.FileName), Json.Serialize(sets));
        return sets;
    }

    /// <summary>Per label column, per row: the int value, or the index of the class name in <paramref name="classes"/>.</summary>
    static int[][] LabelCodes(TextTable table, DatasetKind kind, IReadOnlyDictionary<string, IReadOnlyList<string>> classes) =>
        kind.Labels.Select(l =>
        {
            var values = table.Label(l.Name).Values;
            if (l.Kind == LabelKind.Int)
                return values.Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) ? x
                    : throw new PipelineException($"{table.Source}: label {l.Name} value {v} does not fit an int32 column", table.Source)).ToArray();
            var index = classes[l.Name].Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
            return values.Select(v => index[v]).ToArray();
        }).ToArray();

    /// <summary>The Parquet key-value metadata of every shard, so a file alone says what it holds.</summary>
    public static Dictionary<string, string> Metadata(string id, ModelCacheSettings settings, int d) => new()
    {
        ["d_in"] = d.ToString(CultureInfo.InvariantCulture),
        ["dtype"] = settings.DtypeName,
        ["hook"] = settings.Hook,
        ["context"] = settings.Context.ToString(CultureInfo.InvariantCulture),
        ["id"] = id,
    };

    static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
