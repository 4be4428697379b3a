using SaePipeline.Activations.Labelled;
using SaePipeline.Data;
using SaePipeline.Data.ProbeSets;

namespace SaePipeline.Probes;

/// <summary>
/// The pooled texts of a probe task's two splits, and the map from a text's row number in its data set split (the
/// <c>doc</c> of the cache, what probe_sets.json lists) to its row in the pooled arrays.
/// </summary>
public sealed class ProbeData
{
    readonly Dictionary<int, int> trainIndex, testIndex;

    public ProbeData(ProbeSetFile sets, PooledRows train, PooledRows test)
    {
        Sets = sets;
        Train = train;
        Test = test;
        trainIndex = Index(sets.RowsOf(DatasetSource.Train), train.Rows, "train");
        testIndex = Index(sets.RowsOf(DatasetSource.Test), test.Rows, "test");
    }

    public ProbeSetFile Sets { get; }
    public PooledRows Train { get; }
    public PooledRows Test { get; }

    /// <summary>A class's train texts as pooled rows.</summary>
    public int[] TrainRows(ProbeClassRows c) => c.Train.Select(doc => trainIndex[doc]).ToArray();

    public int[] TestRows(ProbeClassRows c) => c.Test.Select(doc => testIndex[doc]).ToArray();

    static Dictionary<int, int> Index(IReadOnlyList<int> docs, int pooledRows, string split)
    {
        if (docs.Count != pooledRows)
            throw new Runtime.PipelineException($"the pooled {split} split has {pooledRows} texts but probe_sets.json lists {docs.Count}; the probes folder does not match its cache");
        var index = new Dictionary<int, int>(docs.Count);
        for (int i = 0; i < docs.Count; i++) index[docs[i]] = i;
        return index;
    }
}
