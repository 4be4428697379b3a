using SaePipeline.Activations;
using SaePipeline.Activations.Labelled;
using SaePipeline.Artifacts;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;
using SaePipeline.Probes;
using SaePipeline.Runtime;
using SaePipeline.Sae;
using static TorchSharp.torch;

namespace SaePipeline.Evals.ScrTpp;

/// <summary>Gathers one data set's <see cref="ProbeTaskInputs"/> for an SAE: the cached probes and pooled texts, and one encode of every cached token.</summary>
public static class ScrTppInputs
{
    public static ProbeTaskInputs Load(StageContext context, string dataset, SparseAutoencoder sae, SaeDecoder decoder, bool paddingLeak, Device device)
    {
        var (probesDir, _) = context.Input(InputRole.ProbesOf(dataset));
        var (cacheDir, cacheManifest) = context.Input(InputRole.ActivationsOf(dataset));
        var cache = ActivationCache.Open(cacheDir, cacheManifest);
        if (cache.DIn != sae.DIn)
            throw new PipelineException($"the SAE takes d_in = {sae.DIn} but {cacheDir} holds d = {cache.DIn} activations", cacheDir);
        var sets = Json.ReadFile<ProbeSetFile>(Path.Combine(cacheDir, ProbeSetFile.FileName));
        var (file, weights) = ProbeFile.Load(probesDir);
        var (train, test) = ProbeFile.LoadPooled(probesDir, cache.DIn);
        var data = new ProbeData(sets, train, test);
        var progress = new Progress($"{context.Label} {dataset}", cache.Rows(DatasetSource.Train) + cache.Rows(DatasetSource.Test), "tokens encoded");
        long done = 0;
        void Encoded(int tokens) => progress.Report(done += tokens);
        var trainSums = LatentSums.Compute(sae, cache, DatasetSource.Train, sets.RowsOf(DatasetSource.Train), device, Encoded);
        var testSums = LatentSums.Compute(sae, cache, DatasetSource.Test, sets.RowsOf(DatasetSource.Test), device, Encoded);
        progress.Done();
        if (!trainSums.ValidTokens.SequenceEqual(train.ValidTokens) || !testSums.ValidTokens.SequenceEqual(test.ValidTokens))
            throw new PipelineException($"{probesDir}: the pooled texts' token counts differ from {cacheDir}'s; the probes were made from another cache", probesDir);
        return new ProbeTaskInputs(file, weights, data, trainSums, testSums, decoder, paddingLeak);
    }
}
