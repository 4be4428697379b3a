using SaePipeline.Config;

namespace SaePipeline.Sae;

/// <summary>
/// The SAE architectures, one line each; everything else about an architecture is in its definition, beside its model
/// in Architectures/. Adding one is its model file (with its definition), its objective file, its
/// <see cref="SaeArchitecture"/> value and its line here (and its keys in <see cref="SaeConfig"/> if it has new ones).
/// </summary>
public static class SaeArchitectures
{
    public static readonly IReadOnlyList<SaeArchitectureDefinition> All =
        [ReluSae.Relu, ReluSae.AprilUpdate, TopKSae.Definition, BatchTopKSae.Definition, JumpReluSae.Definition, GatedSae.Definition,
         MatryoshkaBatchTopKSae.Definition, ReluSae.PAnneal];

    public static SaeArchitectureDefinition Of(SaeArchitecture id) =>
        All.FirstOrDefault(a => a.Id == id) ?? throw new ArgumentException($"no definition of architecture {id} in SaeArchitectures.All");

    public static SaeArchitectureDefinition Of(SaeConfig c) => Of(c.Architecture);

    /// <summary>
    /// The rules of an SAE entry that depend on its architecture: a key some other architecture reads is refused when
    /// written for this one (a sweep cannot vary a key that does nothing), then the architecture's own rules. Run by
    /// the config loader after the entry's general rules (<see cref="SaeConfig.Validate"/>).
    /// </summary>
    public static void Validate(SaeConfig c, ConfigValidation v)
    {
        if (c.IsImported) return;   // its files say what it is; SaeConfig refuses training keys on it
        var architecture = Of(c);
        foreach (var key in All.SelectMany(a => a.Keys).Distinct().Where(k => !architecture.Keys.Contains(k)))
            if (v.HasOwn(key)) v.Error(key, $"does not apply to architecture {architecture.Name}", ConfigCodes.Inconsistent);
        architecture.Validate?.Invoke(c, v);
    }

    public static double EffectiveAdamBeta1(this SaeConfig c) => c.AdamBeta1 ?? Of(c).AdamBeta1;

    public static double? EffectiveMaxGradNorm(this SaeConfig c) => c.MaxGradNorm ?? Of(c).MaxGradNorm;

    public static bool ConstrainedDecoder(this SaeConfig c) => Of(c).ConstrainedDecoder;

    public static string SparsityLabel(this SaeConfig c) => Of(c).Sparsity(c);

    /// <summary>topk, batch_topk and matryoshka_batch_topk: k is required and at most d_sae.</summary>
    internal static void RequireK(SaeConfig c, ConfigValidation v)
    {
        if (c.K is null) v.Error("k", $"{c.Name}: {Of(c).Name} needs k, the number of active latents per token", ConfigCodes.MissingRequired);
        else if (c.DSae >= 1 && c.K > c.DSae) v.Error("k", $"must be at most d_sae ({c.DSae}), got {c.K}");
    }
}
