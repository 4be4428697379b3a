using System.Buffers.Binary;
using SaePipeline.Formats;
using static TorchSharp.torch;

namespace SaePipeline.Tests.Interop;

/// <summary>
/// Files written by our <see cref="Safetensors.Save"/>, checked against the format's byte layout by
/// <see cref="SafetensorsSpec"/> (a hand parser written from the spec) and decoded by hand, value by value, against
/// closed-form expectations, never against what our own reader returns.
/// </summary>
public sealed class SafetensorsLayoutTests
{
    const int DSae = 6, DIn = 4;

    static float WDec(int latent, int i) => latent * 10 + i + 0.25f;   // distinct everywhere, so a transposition shows

    /// <summary>Values exact in bfloat16 (≤ 8 significand bits), including a negative, a tiny and a large one.</summary>
    static readonly float[] Bf16Values = [1.5f, -0.3125f, 0.0078125f, 256f, -3f, 0f];

    static readonly long[] I64Values = [-1, 0, 1L << 40, long.MaxValue, long.MinValue];

    static Dictionary<string, Tensor> Tensors()
    {
        var wDec = tensor(Enumerable.Range(0, DSae * DIn).Select(k => WDec(k / DIn, k % DIn)).ToArray(), [DSae, DIn]);
        return new()
        {
            ["W_dec"] = wDec,                                         // [d_sae, d_in] float32
            ["W_enc_view"] = wDec.t(),                                // a non-contiguous view: must still be written in C order
            ["bf16"] = tensor(Bf16Values, [3, 2]).to(bfloat16),
            ["ids"] = tensor(I64Values),
            ["scalar"] = tensor(3.5f),                                // 0-d: shape [], one value
            ["one"] = tensor(new[] { -7.75f }),                       // 1 element
            ["empty"] = zeros([0, 3]),                                // no bytes, but a shape
        };
    }

    static readonly Dictionary<string, string> Metadata = new() { ["format"] = "pt", ["note"] = "ünïcödé ✓ \"quoted\" \\ back" };

    [Fact]
    public void HeaderFollowsTheSpecification()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        Safetensors.Save(path, Tensors(), Metadata);
        var file = SafetensorsSpec.Parse(path);   // asserts the byte-level rules: length, '{', padding, coverage, no trailing bytes

        // Our writer pads the header with spaces to a multiple of 8, as HuggingFace's does (tensor.rs: "Force
        // alignment to 8 bytes"), so the byte buffer starts 8-byte aligned in the file.
        Assert.Equal(0, file.HeaderLength % 8);
        Assert.Equal(0, file.DataStart % 8);
        Assert.Equal(Metadata, file.Metadata);

        var expected = new (string Name, string DType, long[] Shape)[]
        {
            ("W_dec", "F32", [DSae, DIn]), ("W_enc_view", "F32", [DIn, DSae]), ("bf16", "BF16", [3, 2]), ("ids", "I64", [5]),
            ("scalar", "F32", []), ("one", "F32", [1]), ("empty", "F32", [0, 3]),
        };
        Assert.Equal(expected.Select(e => e.Name).Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var (name, dtype, shape) in expected)
        {
            Assert.Equal(dtype, file[name].DType);
            Assert.Equal(shape, file[name].Shape);
        }
        Assert.Equal(4, file["scalar"].End - file["scalar"].Begin);   // 0-d: product of no dimensions is 1
        Assert.Equal(file["empty"].Begin, file["empty"].End);         // empty tensors store no data
    }

    [Fact]
    public void DataIsLittleEndianInCOrder()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        Safetensors.Save(path, Tensors(), Metadata);
        var file = SafetensorsSpec.Parse(path);

        // W_dec [d_sae, d_in]: element (s, i) at flat index s·d_in + i.
        var wDec = file.F32("W_dec");
        for (int s = 0; s < DSae; s++)
            for (int i = 0; i < DIn; i++)
                Assert.Equal(WDec(s, i), wDec[s * DIn + i]);
        // The transposed view [d_in, d_sae]: element (i, s) = W_dec[s, i] at flat index i·d_sae + s.
        var wEnc = file.F32("W_enc_view");
        for (int i = 0; i < DIn; i++)
            for (int s = 0; s < DSae; s++)
                Assert.Equal(WDec(s, i), wEnc[i * DSae + s]);
        Assert.Equal(Bf16Values, file.BF16("bf16"));
        // bf16's bytes are exactly the upper two bytes of each float32, little-endian.
        var raw = file.Data(file["bf16"]);
        for (int k = 0; k < Bf16Values.Length; k++)
            Assert.Equal((ushort)(BitConverter.SingleToUInt32Bits(Bf16Values[k]) >> 16), BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * k)..]));
        Assert.Equal(I64Values, file.I64("ids"));
        Assert.Equal([3.5f], file.F32("scalar"));
        Assert.Equal([-7.75f], file.F32("one"));
        Assert.Empty(file.F32("empty"));
    }

    [Fact]
    public void HeaderWithoutMetadataHasNoMetadataKey()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 1f, 2f, 3f }) });
        var file = SafetensorsSpec.Parse(path);
        Assert.Null(file.Metadata);
        Assert.Equal([1f, 2f, 3f], file.F32("x"));
        Assert.Equal(0, file.DataStart % 8);
        // 8 + N + 12 bytes, nothing more: the header's padding is counted in N, not appended after the data.
        Assert.Equal(8 + file.HeaderLength + 12, file.Bytes.Length);
    }

    /// <summary>
    /// HuggingFace's writer orders tensors by descending dtype size, then name (safetensors/src/tensor.rs), so with the
    /// 8-byte-aligned buffer every tensor starts at a multiple of its element size; loaders that view the mapped bytes
    /// as the dtype in place (numpy views, torch's view(dtype) on a byte tensor) need that. We write the same order. By
    /// name alone, b_f32 would start at byte 6 and c_i64 at byte 10 of the buffer.
    /// </summary>
    [Fact]
    public void EveryTensorStartsAlignedToItsElementSize()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["a_bf16"] = tensor(new[] { 1f, 2f, 3f }).to(bfloat16),
            ["b_f32"] = tensor(new[] { 4f }),
            ["c_i64"] = tensor(new[] { 5L }),
        });
        var file = SafetensorsSpec.Parse(path);
        Assert.Equal([1f, 2f, 3f], file.BF16("a_bf16"));
        Assert.Equal([4f], file.F32("b_f32"));
        Assert.Equal([5L], file.I64("c_i64"));
        Assert.All(file.Tensors, t => Assert.True((file.DataStart + t.Begin) % SafetensorsSpec.DTypeSizes[t.DType] == 0,
            $"{t.DType} tensor '{t.Name}' starts at file offset {file.DataStart + t.Begin}, not a multiple of {SafetensorsSpec.DTypeSizes[t.DType]}"));
    }
}
