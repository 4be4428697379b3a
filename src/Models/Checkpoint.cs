using System.Text.Json;
using System.Text.Json.Nodes;
using SaePipeline.Formats;
using SaePipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace SaePipeline.Models;

/// <summary>
/// The weights of a HuggingFace checkpoint folder: one <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c> (<c>{"weight_map": {tensor: file}}</c>). Only headers are read up front; each tensor
/// is read when asked for, straight into its own memory, and converted to the compute dtype one tensor at a time, so
/// loading costs the model's size in RAM plus at most one tensor.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>Weight dtypes a model may be stored in.</summary>
    public static readonly IReadOnlyList<string> WeightDTypes = ["F32", "BF16", "F16"];

    sealed record Located(string File, Safetensors.Header Header, Safetensors.Entry Entry);

    readonly Dictionary<string, Located> tensors;
    readonly Dictionary<string, FileStream> streams = [];
    readonly HashSet<string> read = [];

    Checkpoint(string folder, IReadOnlyList<string> files, Dictionary<string, Located> tensors)
    {
        Folder = folder;
        Files = files;
        this.tensors = tensors;
    }

    public string Folder { get; }

    /// <summary>The weight files, relative to the folder.</summary>
    public IReadOnlyList<string> Files { get; }

    public IEnumerable<string> Names => tensors.Keys;

    /// <summary>Tensors no one has read (after loading a model: extra tensors, or buffers HF does not load either).</summary>
    public IEnumerable<string> Unread => tensors.Keys.Where(n => !read.Contains(n)).Order(StringComparer.Ordinal);

    public bool Contains(string name) => tensors.ContainsKey(name);

    public long[] Shape(string name) => Find(name).Entry.Shape;

    /// <summary>The stored dtypes and how many tensors have each, e.g. {"BF16": 219}.</summary>
    public IReadOnlyDictionary<string, int> DTypes =>
        tensors.Values.GroupBy(t => t.Entry.DType).ToDictionary(g => g.Key, g => g.Count());

    public long TotalBytes => tensors.Values.Sum(t => t.Entry.End - t.Entry.Begin);

    public static Checkpoint Open(string folder)
    {
        string single = Path.Combine(folder, SingleFile), index = Path.Combine(folder, IndexFile);
        if (File.Exists(index)) return OpenSharded(folder, index);
        if (File.Exists(single)) return OpenFiles(folder, [SingleFile], null);
        throw new PipelineException(
            $"{folder} has no weights: expected {SingleFile} or {IndexFile} (with its shards). " +
            "PyTorch .bin checkpoints are not read; convert them with save_pretrained(safe_serialization=True)", folder);
    }

    static Checkpoint OpenSharded(string folder, string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            var map = (JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject)?["weight_map"] as JsonObject
                      ?? throw new PipelineException($"{indexPath}: no \"weight_map\" object", indexPath);
            weightMap = map.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>()
                                                              ?? throw new PipelineException($"{indexPath}: weight_map[\"{kv.Key}\"] is null", indexPath));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new PipelineException($"{indexPath}: not a valid index ({e.Message})", indexPath);
        }
        var files = weightMap.Values.Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var f in files)
            if (!File.Exists(Path.Combine(folder, f)))
                throw new PipelineException($"{Path.Combine(folder, f)} is missing: {IndexFile} lists it as a shard", Path.Combine(folder, f));
        return OpenFiles(folder, files, weightMap);
    }

    static Checkpoint OpenFiles(string folder, IReadOnlyList<string> files, Dictionary<string, string>? weightMap)
    {
        var tensors = new Dictionary<string, Located>();
        foreach (var file in files)
        {
            string path = Path.Combine(folder, file);
            var header = Safetensors.ReadHeader(path);
            foreach (var entry in header.Tensors)
            {
                // With an index, a shard's tensor counts only where the index puts it (HF loads by the index too).
                if (weightMap is not null && (!weightMap.TryGetValue(entry.Name, out var owner) || owner != file)) continue;
                if (!tensors.TryAdd(entry.Name, new Located(path, header, entry)))
                    throw new PipelineException($"{path}: tensor '{entry.Name}' is also in {tensors[entry.Name].File}", path);
            }
        }
        if (weightMap is not null)
            foreach (var (name, file) in weightMap)
                if (!tensors.ContainsKey(name))
                    throw new PipelineException($"{Path.Combine(folder, file)}: has no tensor '{name}', which {IndexFile} says it holds", Path.Combine(folder, file));
        return new Checkpoint(folder, files, tensors);
    }

    /// <summary>
    /// Reads a tensor after checking it has the shape the architecture expects, converted to <paramref name="dtype"/> on
    /// <paramref name="device"/>.
    /// </summary>
    public Tensor Read(string name, long[] expectedShape, ScalarType dtype, Device device)
    {
        var t = Check(name, expectedShape);
        if (!streams.TryGetValue(t.File, out var stream)) streams[t.File] = stream = Safetensors.OpenRead(t.File);
        read.Add(name);
        var stored = Safetensors.ReadTensor(stream, t.Header, t.Entry);
        if (stored.dtype == dtype && device.type == DeviceType.CPU) return stored;
        using (stored) return stored.to(dtype, device).DetachFromDisposeScope();
    }

    /// <summary>Checks a tensor's presence, shape and dtype from the header alone (and counts it as read).</summary>
    public void Validate(string name, long[] expectedShape)
    {
        Check(name, expectedShape);
        read.Add(name);
    }

    Located Check(string name, long[] expectedShape)
    {
        var t = Find(name);
        if (!t.Entry.Shape.SequenceEqual(expectedShape))
            throw new PipelineException(
                $"{t.File}: tensor '{name}' has shape [{string.Join(", ", t.Entry.Shape)}], but config.json implies [{string.Join(", ", expectedShape)}]", t.File);
        if (!WeightDTypes.Contains(t.Entry.DType))
            throw new PipelineException(
                $"{t.File}: tensor '{name}' is stored as {t.Entry.DType}; model weights must be one of {string.Join(", ", WeightDTypes)}", t.File);
        return t;
    }

    Located Find(string name) => tensors.TryGetValue(name, out var t) ? t
        : throw new PipelineException($"{Folder}: tensor '{name}' is missing from {string.Join(", ", Files)}", Folder);

    public void Dispose()
    {
        foreach (var s in streams.Values) s.Dispose();
        streams.Clear();
    }
}
