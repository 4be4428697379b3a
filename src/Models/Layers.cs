using SaePipeline.Runtime;
using static TorchSharp.torch.nn.functional;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>The small functions the architectures are made of, each as HF computes it.</summary>
public static class Layers
{
    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, double eps) =>
        layer_norm(x, [x.shape[^1]], weight, bias, eps);

    /// <summary>Gemma's RMSNorm: x·rsqrt(mean(x²) + eps)·(1 + w), all in float32, then back to the compute dtype.</summary>
    public static Tensor GemmaRmsNorm(Tensor x, Tensor weight, double eps)
    {
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * x32.pow(2).mean([-1], keepdim: true).add_(eps).rsqrt_();
        return (normed * weight.to(ScalarType.Float32).add(1.0)).to(x.dtype);
    }

    /// <summary>HF's <c>ACT2FN</c> names we support, from a config key's value (errors name <paramref name="configPath"/>).</summary>
    public static Func<Tensor, Tensor> Activation(string name, string configPath) => name switch
    {
        "gelu" => x => gelu(x),
        // gelu_new (GPT-2's own formula), gelu_fast and gelu_pytorch_tanh are the same tanh approximation (differences ~1e-7).
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => relu(x),
        "silu" or "swish" => x => silu(x),
        _ => throw new PipelineException($"{configPath}: activation '{name}' is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu)", configPath),
    };
}
