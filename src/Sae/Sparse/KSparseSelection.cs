using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// The selections of k-sparse training, made from the pre-activations a chunk of rows at a time, so the [B, d_sae]
/// matrix of a dense step is never held: pre = x·W_enc + bias for one chunk (about 16 MB, which the allocator reuses
/// from chunk to chunk instead of faulting in fresh pages), then only what survives the selection is kept. Every
/// selection returns the entries a dense step would keep with a non-zero value (ReLU'd values that are zero carry
/// neither activation nor gradient, so dropping them changes nothing).
/// </summary>
public sealed class KSparseSelection
{
    readonly Tensor x, wEnc, bias;
    readonly long batch, dSae, chunkRows;

    /// <param name="bias">[d_sae] the bias added to x·W_enc (SparseAutoencoder.EncoderBias), no gradient needed.</param>
    /// <param name="chunkRows">Rows per chunk; by default about 4M pre-activations.</param>
    public KSparseSelection(Tensor x, Tensor wEnc, Tensor bias, ScalarType matmulDtype, long? chunkRows = null)
    {
        this.x = x.to(matmulDtype);
        this.wEnc = wEnc.detach().to(matmulDtype);
        this.bias = bias.detach().to(matmulDtype);
        batch = x.shape[0];
        dSae = wEnc.shape[1];
        this.chunkRows = chunkRows ?? Math.Max(1, (4L << 20) / dSae);
    }

    /// <summary>Each row's k largest positive pre-activations (TopK), and, when <paramref name="dead"/> has latents, each
    /// row's kAux largest positive pre-activations among them (AuxK), from one pass over the chunks.</summary>
    public (Entries Kept, Entries? Aux) TopK(int k, Tensor? dead, int kAux)
    {
        var (kept, aux) = Scan(Math.Min(k, (int)dSae), dead, kAux);
        return (kept.Positive(), aux?.Positive());
    }

    /// <summary>
    /// The k·B largest positive pre-activations of the whole batch (BatchTopK), without sorting all B·d_sae of them.
    /// Each row offers its m = 2k largest as candidates, and t is the k·B-th largest candidate. A row whose smallest
    /// candidate is below t (or not positive) has offered every entry that can be kept; a row whose m-th value is at
    /// least t may hold more, so its whole row joins the candidates and t is taken again. That second t can only be
    /// larger, so the first rows stay complete and the result is the full sort's (up to the order of ties at t).
    /// With AuxK, each row's kAux largest among the dead latents, as in <see cref="TopK"/>.
    /// </summary>
    public (Entries Kept, Entries? Aux) BatchTopK(int k, Tensor? dead, int kAux)
    {
        long keep = Math.Min(k * batch, batch * dSae);
        int m = (int)Math.Min(dSae, 2L * k);
        var (offered, aux) = Scan(m, dead, kAux);
        var top = offered.Values.topk((int)Math.Min(keep, offered.Count), 0, largest: true, sorted: false);
        if (m < dSae)
        {
            var rowMinimum = offered.Values.view(batch, m).amin(1);
            var threshold = top.values.min();
            var incomplete = rowMinimum.ge(threshold).logical_and_(rowMinimum.gt(0)).nonzero().flatten();
            if (incomplete.shape[0] > 0)
            {
                var complete = ones([batch], ScalarType.Bool, x.device).index_fill_(0, incomplete, false);
                offered = Entries.Cat([offered.Where(complete.index_select(0, offered.Rows)), WholeRows(incomplete)]);
                top = offered.Values.topk((int)Math.Min(keep, offered.Count), 0, largest: true, sorted: false);
            }
        }
        return (offered.Select(top.indexes).Positive(), aux?.Positive());
    }

    /// <summary>
    /// Each row's m largest pre-activations, and its kAux largest among <paramref name="dead"/> when given. A chunk's
    /// pre-activations are freed before the next chunk is computed, so the allocator hands the next one the same memory.
    /// </summary>
    (Entries Candidates, Entries? Aux) Scan(int m, Tensor? dead, int kAux)
    {
        var candidates = new List<Entries>();
        var aux = new List<Entries>();
        for (long start = 0; start < batch; start += chunkRows)
        {
            using var scope = NewDisposeScope();
            var pre = Affine(x.narrow(0, start, Math.Min(chunkRows, batch - start))).to(ScalarType.Float32);
            candidates.Add(RowTopK(pre, start, m, columns: null).MoveToOuterDisposeScope());
            if (dead is not null) aux.Add(RowTopK(pre.index_select(1, dead), start, kAux, dead).MoveToOuterDisposeScope());
        }
        return (Entries.Cat(candidates), dead is null ? null : Entries.Cat(aux));
    }

    Tensor Affine(Tensor rows) => addmm(bias, rows, wEnc, beta: 1, alpha: 1);

    Entries WholeRows(Tensor rowIndex)
    {
        var pre = Affine(x.index_select(0, rowIndex)).to(ScalarType.Float32);
        return new Entries(rowIndex.repeat_interleave(dSae), arange(dSae, ScalarType.Int64, x.device).repeat(rowIndex.shape[0]), pre.flatten());
    }

    static Entries RowTopK(Tensor pre, long start, int k, Tensor? columns)
    {
        k = (int)Math.Min(k, pre.shape[1]);
        var (values, indices) = SparseKernels.RowTopK(pre, k);
        var rows = arange(start, start + pre.shape[0], ScalarType.Int64, pre.device).repeat_interleave(k);
        var cols = indices.flatten();
        return new Entries(rows, columns is null ? cols : columns.index_select(0, cols), values.flatten());
    }

    /// <summary>Entries (row, latent, pre-activation) of the batch's [B, d_sae] matrix.</summary>
    public sealed record Entries(Tensor Rows, Tensor Cols, Tensor Values)
    {
        public long Count => Values.shape[0];

        public Entries Select(Tensor index) => new(Rows.index_select(0, index), Cols.index_select(0, index), Values.index_select(0, index));

        public Entries Where(Tensor mask) => new(Rows.masked_select(mask), Cols.masked_select(mask), Values.masked_select(mask));

        public Entries Positive() => Where(Values.gt(0));

        public Entries MoveToOuterDisposeScope() => new(Rows.MoveToOuterDisposeScope(), Cols.MoveToOuterDisposeScope(), Values.MoveToOuterDisposeScope());

        public static Entries Cat(IReadOnlyList<Entries> parts) => parts.Count == 1 ? parts[0] :
            new(cat(parts.Select(p => p.Rows).ToList(), 0), cat(parts.Select(p => p.Cols).ToList(), 0), cat(parts.Select(p => p.Values).ToList(), 0));
    }
}
