using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SaePipeline.Tests.Interop;

/// <summary>
/// A safetensors reader written from the published format only (github.com/huggingface/safetensors, README "Format"),
/// sharing no code with <c>SaePipeline.Formats.Safetensors</c>: it parses the bytes of a file and asserts every rule of
/// the format on the way, so a file that passes is one HuggingFace's reader (which checks the same rules) accepts.
/// <list type="bullet">
/// <item>8 bytes: N, an unsigned little-endian 64-bit integer, the size of the header;</item>
/// <item>N bytes: a UTF-8 JSON object that MUST begin with '{' and MAY be trailing-padded with spaces (0x20); keys are
///   tensor names mapping to {"dtype", "shape", "data_offsets": [BEGIN, END]}, offsets relative to the byte buffer; the
///   optional "__metadata__" is a string-to-string map; duplicate keys are not allowed;</item>
/// <item>the rest: the byte buffer, entirely indexed with no holes (so no trailing bytes), little-endian, C order.</item>
/// </list>
/// </summary>
internal static class SafetensorsSpec
{
    /// <summary>Bytes per element of each dtype name the format defines (sub-byte types left out: we never write them).</summary>
    public static readonly IReadOnlyDictionary<string, int> DTypeSizes = new Dictionary<string, int>
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4, ["F64"] = 8, ["I64"] = 8, ["U64"] = 8,
    };

    public sealed record TensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
    {
        public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    }

    public sealed record File(byte[] Bytes, long HeaderLength, string HeaderJson, IReadOnlyList<TensorEntry> Tensors,
                              IReadOnlyDictionary<string, string>? Metadata)
    {
        /// <summary>Where the byte buffer starts in the file: 8 + N.</summary>
        public long DataStart => 8 + HeaderLength;

        public TensorEntry this[string name] => Tensors.Single(t => t.Name == name);

        public ReadOnlySpan<byte> Data(TensorEntry t) => Bytes.AsSpan(checked((int)(DataStart + t.Begin)), checked((int)(t.End - t.Begin)));

        public float[] F32(string name) => Decode(name, "F32", 4, b => BinaryPrimitives.ReadSingleLittleEndian(b));
        public long[] I64(string name) => Decode(name, "I64", 8, b => BinaryPrimitives.ReadInt64LittleEndian(b));

        /// <summary>bfloat16 is the upper half of a float32: widen each little-endian u16 by 16 zero bits.</summary>
        public float[] BF16(string name) => Decode(name, "BF16", 2, b => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(b) << 16));

        T[] Decode<T>(string name, string dtype, int size, Func<ReadOnlySpan<byte>, T> read)
        {
            var t = this[name];
            Assert.Equal(dtype, t.DType);
            var data = Data(t);
            var values = new T[t.Count];
            for (int i = 0; i < values.Length; i++) values[i] = read(data.Slice(i * size, size));
            return values;
        }
    }

    /// <summary>Reads <paramref name="path"/> byte by byte, asserting each rule of the format; returns what it holds.</summary>
    public static File Parse(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 8, $"{path}: {bytes.Length} bytes, shorter than the 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.True(n <= (ulong)(bytes.Length - 8), $"header length {n} runs past the end of the {bytes.Length}-byte file");
        var headerBytes = bytes.AsSpan(8, (int)n);
        Assert.True(headerBytes.Length > 0 && headerBytes[0] == (byte)'{', "the header must begin with '{' (0x7B)");
        // Strict UTF-8: an invalid sequence throws instead of being replaced.
        string text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(headerBytes);
        // The JSON object ends at its closing brace; all that may follow is padding of ASCII spaces.
        int end = text.LastIndexOf('}');
        Assert.True(end >= 0, "the header has no closing '}'");
        Assert.True(text[(end + 1)..].All(c => c == ' '), $"the header's padding is not all 0x20 spaces: {Escape(text[(end + 1)..])}");
        string json = text[..(end + 1)];

        using var doc = JsonDocument.Parse(json);   // default options: strict RFC 8259 (no comments, no trailing commas, no NaN)
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(names.Count == names.Distinct(StringComparer.Ordinal).Count(), $"duplicate keys in the header: {string.Join(", ", names)}");

        Dictionary<string, string>? metadata = null;
        var tensors = new List<TensorEntry>();
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                Assert.Equal(JsonValueKind.Object, property.Value.ValueKind);
                metadata = [];
                foreach (var m in property.Value.EnumerateObject())
                {
                    Assert.True(m.Value.ValueKind == JsonValueKind.String, $"__metadata__['{m.Name}'] is {m.Value.ValueKind}: all values must be strings");
                    metadata[m.Name] = m.Value.GetString()!;
                }
                continue;
            }
            var info = property.Value;
            Assert.Equal(JsonValueKind.Object, info.ValueKind);
            Assert.Equal(["data_offsets", "dtype", "shape"], info.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            string dtype = info.GetProperty("dtype").GetString()!;
            Assert.True(DTypeSizes.ContainsKey(dtype), $"tensor '{property.Name}': unknown dtype {dtype}");
            long[] shape = info.GetProperty("shape").EnumerateArray().Select(Unsigned).ToArray();
            long[] offsets = info.GetProperty("data_offsets").EnumerateArray().Select(Unsigned).ToArray();
            Assert.Equal(2, offsets.Length);
            tensors.Add(new TensorEntry(property.Name, dtype, shape, offsets[0], offsets[1]));
        }

        // The byte buffer is covered exactly: sorted by offset, each tensor starts where the previous one ended, the
        // first at 0 and the last at the end of the file, and each spans product(shape)·size bytes.
        long buffer = bytes.Length - 8 - (long)n, at = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            Assert.True(t.Begin == at, $"tensor '{t.Name}' starts at {t.Begin}, expected {at}: a hole or an overlap in the byte buffer");
            Assert.True(t.End - t.Begin == t.Count * DTypeSizes[t.DType],
                        $"tensor '{t.Name}' ({t.DType} [{string.Join(", ", t.Shape)}]) spans {t.End - t.Begin} bytes, expected {t.Count * DTypeSizes[t.DType]}");
            at = t.End;
        }
        Assert.True(at == buffer, $"the tensors cover {at} bytes of a {buffer}-byte buffer: {(at < buffer ? "trailing bytes" : "offsets past the end")}");
        return new File(bytes, (long)n, json, tensors, metadata);
    }

    /// <summary>A non-negative JSON integer (serde reads shapes and offsets as usize: 2.0 or 2e0 would be refused).</summary>
    static long Unsigned(JsonElement e)
    {
        Assert.Equal(JsonValueKind.Number, e.ValueKind);
        string raw = e.GetRawText();
        Assert.True(raw.All(char.IsAsciiDigit), $"'{raw}' is not a plain non-negative integer");
        return e.GetInt64();
    }

    static string Escape(string s) => string.Concat(s.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\x{(int)c:X2}"));
}
