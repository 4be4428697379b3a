using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using SaePipeline.Runtime;
using static TorchSharp.torch;

namespace SaePipeline.Formats;

/// <summary>
/// NumPy's .npy format (version 1–3): the magic "\x93NUMPY", a version, a header length, a Python-dict header
/// {'descr': '&lt;i8', 'fortran_order': False, 'shape': (3, 24)}, then the raw C-order data. We read little-endian
/// integer and float arrays (token ids from Python users, Gemma Scope's params.npz entries) into tensors.
/// </summary>
public static partial class Npy
{
    static readonly Dictionary<string, ScalarType> Types = new()
    {
        ["<i8"] = ScalarType.Int64, ["<i4"] = ScalarType.Int32, ["<f2"] = ScalarType.Float16, ["<f4"] = ScalarType.Float32, ["<f8"] = ScalarType.Float64,
    };

    public static Tensor Read(string path)
    {
        if (!File.Exists(path)) throw new PipelineException($"{path} does not exist", path);
        using var stream = File.OpenRead(path);
        return Read(stream, stream.Length, path);
    }

    /// <summary>Reads an array from a stream of <paramref name="length"/> bytes (a file, or an entry of an .npz zip).</summary>
    public static Tensor Read(Stream stream, long length, string path)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (stream.Read(prefix[..8]) != 8 || !prefix[..6].SequenceEqual(Magic))
            throw Bad(path, "it does not start with the .npy magic bytes");
        int major = prefix[6];
        int headerLength;
        long consumed;
        if (major == 1)
        {
            stream.ReadExactly(prefix[8..10]);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
            consumed = 10;
        }
        else if (major is 2 or 3)
        {
            stream.ReadExactly(prefix[8..12]);
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]));
            consumed = 12;
        }
        else throw Bad(path, $"format version {major} is not supported");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        consumed += headerLength;
        string header = Encoding.Latin1.GetString(headerBytes);
        string descr = Descr().Match(header) is { Success: true } d ? d.Groups[1].Value : throw Bad(path, "the header has no 'descr'");
        if (!Types.TryGetValue(descr, out var type))
            throw Bad(path, $"dtype '{descr}' is not supported (supported: {string.Join(", ", Types.Keys)})");
        if (header.Contains("'fortran_order': True")) throw Bad(path, "Fortran-order arrays are not supported; save a C-order array");
        var shapeMatch = Shape().Match(header);
        if (!shapeMatch.Success) throw Bad(path, "the header has no 'shape'");
        long[] shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        var t = empty(shape, type);
        long expected = t.numel() * t.ElementSize;
        if (length - consumed != expected)
            throw Bad(path, $"it holds {length - consumed} data bytes, but {descr} [{string.Join(", ", shape)}] needs {expected}");
        if (expected > 0) stream.ReadExactly(t.bytes);
        return t;
    }

    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    static PipelineException Bad(string path, string why) => new($"{path}: not a readable .npy file: {why}", path);

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}
