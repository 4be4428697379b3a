using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaePipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace SaePipeline.Formats;

/// <summary>
/// The safetensors format (HuggingFace): 8-byte little-endian header length N, N bytes of JSON header
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the raw little-endian data.
/// TorchSharp has no reader for it (docs/dotnet-stack.md §3), so this is ours. Tensors are read straight into their memory.
/// </summary>
public static class Safetensors
{
    const string MetadataKey = "__metadata__";
    const long MaxHeaderBytes = 100_000_000;

    static readonly Dictionary<string, (ScalarType Type, int Size)> DTypes = new()
    {
        ["F64"] = (ScalarType.Float64, 8), ["F32"] = (ScalarType.Float32, 4), ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2), ["I64"] = (ScalarType.Int64, 8), ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2), ["I8"] = (ScalarType.Int8, 1), ["U8"] = (ScalarType.Byte, 1), ["BOOL"] = (ScalarType.Bool, 1),
    };

    public sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End);

    public sealed record Header(IReadOnlyList<Entry> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart);

    /// <summary>
    /// Writes tensors (any device; copied to CPU), with string metadata, in HuggingFace's order: by element size,
    /// largest first, then by name. With the data starting 8-byte aligned, every tensor then starts at a multiple of its
    /// element size, which loaders that view the mapped bytes as the dtype in place need (docs/formats.md §3).
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header[MetadataKey] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        var ordered = tensors.OrderByDescending(kv => kv.Value.ElementSize).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        long offset = 0;
        foreach (var (name, t) in ordered)
        {
            string dtype = DTypes.First(d => d.Value.Type == t.dtype).Key;
            long bytes = t.numel() * DTypes[dtype].Size;
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(t.shape.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;   // data starts 8-byte aligned, as HuggingFace's writer does
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var (_, t) in ordered)
        {
            using var cpu = t.detach().cpu().contiguous();
            using var flat = cpu.view(-1);
            long n = flat.shape[0], chunk = Math.Max(1, ChunkBytes / cpu.ElementSize);
            for (long start = 0; start < n; start += chunk)
            {
                using var part = flat.narrow(0, start, Math.Min(chunk, n - start));
                stream.Write(part.bytes);
            }
        }
        stream.Flush(flushToDisk: true);
    }

    public static Header ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new PipelineException($"missing safetensors file {path}", path);
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path);
    }

    static Header ReadHeader(FileStream stream, string path)
    {
        Span<byte> length = stackalloc byte[8];
        if (stream.Length < 8 || stream.Read(length) != 8) throw Bad(path, "file is shorter than the 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(length);
        if (n > MaxHeaderBytes || (long)n > stream.Length - 8) throw Bad(path, $"header length {n} does not fit the file ({stream.Length} bytes)");
        var bytes = new byte[n];
        stream.ReadExactly(bytes);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(bytes)?.AsObject() ?? throw Bad(path, "header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(path, $"header is not valid JSON ({e.Message})");
        }
        long dataStart = 8 + (long)n, dataLength = stream.Length - dataStart;
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in root)
        {
            if (name == MetadataKey)
            {
                if (node is not JsonObject meta) throw Bad(path, "__metadata__ is not an object");
                foreach (var (k, v) in meta) metadata[k] = v is JsonValue s && s.TryGetValue(out string? text) ? text : v?.ToJsonString() ?? "";
                continue;
            }
            try
            {
                var o = node!.AsObject();
                string dtype = o["dtype"]!.GetValue<string>();
                if (!DTypes.TryGetValue(dtype, out var info)) throw Bad(path, $"tensor '{name}' has unsupported dtype {dtype}");
                long[] shape = o["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                var offsets = o["data_offsets"]!.AsArray();
                long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
                long expected = checked(shape.Aggregate(1L, (a, b) => a * b) * info.Size);
                if (shape.Any(s => s < 0) || begin < 0 || end < begin || end > dataLength || end - begin != expected)
                    throw Bad(path, $"tensor '{name}' ({dtype} [{string.Join(", ", shape)}]) has offsets [{begin}, {end}] that do not match its size or the file ({dataLength} data bytes); the file is truncated or corrupt");
                entries.Add(new Entry(name, dtype, shape, begin, end));
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or JsonException or OverflowException)
            {
                throw Bad(path, $"tensor '{name}' has a malformed header entry ({e.Message})");
            }
        }
        return new Header(entries, metadata, dataStart);
    }

    /// <summary>Reads every tensor onto the CPU. Tensors are independent of any dispose scope the caller has open.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        if (!File.Exists(path)) throw new PipelineException($"missing safetensors file {path}", path);
        using var stream = OpenRead(path);
        var header = ReadHeader(stream, path);
        var result = new Dictionary<string, Tensor>();
        foreach (var e in header.Tensors) result[e.Name] = ReadTensor(stream, header, e);
        return result;
    }

    /// <summary>A read stream for <see cref="ReadTensor"/>: sequential, with a small buffer (reads go straight into tensors).</summary>
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    /// <summary>
    /// One tensor, in its file dtype, on the CPU, read straight into the tensor's own memory: no second copy, so a
    /// checkpoint costs its size in RAM, not twice that. Spans are int-sized, so big tensors are read in chunks.
    /// </summary>
    public static Tensor ReadTensor(FileStream stream, Header header, Entry e)
    {
        var t = torch.empty(e.Shape, DTypes[e.DType].Type);
        try
        {
            stream.Seek(header.DataStart + e.Begin, SeekOrigin.Begin);
            using var flat = t.view(-1);
            long n = flat.shape[0], chunk = ChunkBytes / DTypes[e.DType].Size;
            for (long start = 0; start < n; start += chunk)
            {
                using var part = flat.narrow(0, start, Math.Min(chunk, n - start));
                stream.ReadExactly(part.bytes);
            }
        }
        catch (EndOfStreamException)
        {
            t.Dispose();
            throw Bad(stream.Name, $"tensor '{e.Name}' ends past the end of the file; the file is truncated");
        }
        return t.DetachFromDisposeScope();
    }

    /// <summary>The torch dtype of a safetensors dtype name (F32, BF16, ...), or null when the format has none.</summary>
    public static ScalarType? TorchType(string dtype) => DTypes.TryGetValue(dtype, out var info) ? info.Type : null;

    /// <summary>The safetensors dtype name of a torch dtype.</summary>
    public static string DTypeName(ScalarType type) => DTypes.First(d => d.Value.Type == type).Key;

    const long ChunkBytes = 1 << 30;

    static PipelineException Bad(string path, string why) => new($"{path}: not a valid safetensors file: {why}", path);
}
