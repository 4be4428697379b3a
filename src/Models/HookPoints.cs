using SaePipeline.Runtime;

namespace SaePipeline.Models;

/// <summary>Where in a block an activation is read or replaced (TransformerLens's names).</summary>
public enum HookKind { ResidPre, AttnOut, MlpOut, ResidPost }

/// <summary>
/// A TransformerLens hook point, <c>blocks.{L}.hook_{resid_pre|attn_out|mlp_out|resid_post}</c>:
/// resid_pre is the residual stream entering block L (the embedding for L = 0), attn_out and mlp_out are what the
/// attention and MLP add to the residual stream (after Gemma-2's post-norms, as TransformerLens hooks them), and
/// resid_post is the raw output of block L, before any final norm (HF <c>hidden_states[L+1]</c> for L below the last).
/// </summary>
public readonly record struct HookPoint(int Layer, HookKind Kind)
{
    static readonly (HookKind Kind, string Suffix)[] Suffixes =
        [(HookKind.ResidPre, "hook_resid_pre"), (HookKind.AttnOut, "hook_attn_out"), (HookKind.MlpOut, "hook_mlp_out"), (HookKind.ResidPost, "hook_resid_post")];

    public string Name
    {
        get
        {
            var kind = Kind;
            return $"blocks.{Layer}.{Suffixes.First(s => s.Kind == kind).Suffix}";
        }
    }

    public override string ToString() => Name;

    public static IEnumerable<HookPoint> All(int nLayers) =>
        Enumerable.Range(0, nLayers).SelectMany(l => Suffixes.Select(s => new HookPoint(l, s.Kind)));

    /// <summary>The valid names, compactly: "blocks.{0..11}.hook_resid_pre|hook_attn_out|hook_mlp_out|hook_resid_post".</summary>
    public static string Describe(int nLayers) =>
        $"blocks.{{0..{nLayers - 1}}}.{string.Join("|", Suffixes.Select(s => s.Suffix))}";

    /// <summary>Parses a hook name for a model with <paramref name="nLayers"/> blocks; the error lists the valid names.</summary>
    public static HookPoint Parse(string name, int nLayers)
    {
        var parts = name.Split('.');
        if (parts.Length == 3 && parts[0] == "blocks" && int.TryParse(parts[1], out int layer) && layer >= 0 && layer < nLayers
            && Suffixes.FirstOrDefault(s => s.Suffix == parts[2]) is { Suffix: not null } match)
            return new HookPoint(layer, match.Kind);
        throw new PipelineException($"unknown hook point '{name}'; this model's hook points are {Describe(nLayers)}", name)
        {
            Code = "SAE4001",
        };
    }
}
