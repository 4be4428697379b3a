using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// topk: Gao et al. (2024), "Scaling and evaluating sparse autoencoders", as dictionary_learning's TopKTrainer trains it:
///   f = TopK_k(ReLU(pre)),  L = R(x, x̂) + α·L_aux
/// Every token keeps exactly its k largest pre-activations (see <see cref="KSparseObjective"/> for the loss).
/// </summary>
public sealed class TopKObjective(SaeConfig config, TopKSae sae) : KSparseObjective(config, sae, sae.b_enc)
{
    protected override Tensor Select(Tensor pre) => TopKSae.KeepTopK(pre, sae.K);

    protected override (KSparseSelection.Entries Kept, KSparseSelection.Entries? Aux) Select(KSparseSelection selection, Tensor? dead, int kAux) =>
        selection.TopK(sae.K, dead, kAux);
}
