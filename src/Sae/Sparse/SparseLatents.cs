using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// A batch's latent activations f [B, d_sae] kept as a list of its non-zero entries (COO): entry i is f[Rows[i], Cols[i]]
/// = Values[i]. A k-sparse objective keeps n ≈ B·k of the B·d_sae activations, so everything after the selection (the
/// decode, its backward, the encoder's weight gradient, dead-latent bookkeeping) costs B·k·d instead of B·d_sae·d
/// (<see cref="SparseDecode"/>, <see cref="KeptPreActivations"/>). (row, col) pairs are unique; their order is the selection's.
/// </summary>
public sealed record SparseLatents(Tensor Rows, Tensor Cols, Tensor Values, long BatchSize, long DSae)
{
    /// <summary>The dense [B, d_sae] tensor (no gradient): for tests, logs and objectives that need the whole matrix.</summary>
    public Tensor ToDense()
    {
        using var noGrad = no_grad();
        var dense = zeros([BatchSize, DSae], Values.dtype, Values.device);
        dense.index_put_(Values.detach(), Rows, Cols);
        return dense;
    }

    /// <summary>[d_sae] bool: the latents with a positive activation on some row of the batch.</summary>
    public Tensor Fired()
    {
        using var noGrad = no_grad();
        return zeros([DSae], ScalarType.Bool, Values.device).index_fill_(0, Cols.masked_select(Values.detach().gt(0)), true);
    }
}
