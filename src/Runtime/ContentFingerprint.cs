using System.Security.Cryptography;
using System.Text;

namespace SaePipeline.Runtime;

/// <summary>
/// A cheap content fingerprint of a checkpoint folder or of data files, computed on every plan: each file's name and size,
/// the full hash of small files (config.json, the shard index, tokenizer files under 4 MB), and for large files (the
/// weights) the hash of 16 evenly spaced 64 KiB samples including the first and last. Reading ~1 MB per weight file
/// instead of gigabytes keeps no-op builds fast; any re-save, re-quantisation or different checkpoint changes sizes,
/// headers or sampled bytes. Modification times are ignored, so copying a folder does not make results stale.
/// </summary>
public static class ContentFingerprint
{
    const long SmallFile = 4 << 20;
    const int Samples = 16, SampleBytes = 64 << 10;

    /// <summary>The folder's top-level files (hidden ones excepted).</summary>
    public static string Folder(string folder) =>
        Files(Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal));

    /// <summary>The given files, in the given order.</summary>
    public static string Files(IEnumerable<string> files)
    {
        using var total = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            long size = new FileInfo(file).Length;
            total.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}\n{size}\n"));
            total.AppendData(size <= SmallFile ? SHA256.HashData(File.ReadAllBytes(file)) : SampledHash(file, size));
        }
        return Convert.ToHexStringLower(total.GetHashAndReset());
    }

    static byte[] SampledHash(string file, long size)
    {
        using var stream = File.OpenRead(file);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[SampleBytes];
        for (int i = 0; i < Samples; i++)
        {
            long offset = (size - SampleBytes) * i / (Samples - 1);
            stream.Seek(offset, SeekOrigin.Begin);
            stream.ReadExactly(buffer);
            hash.AppendData(buffer);
        }
        return hash.GetHashAndReset();
    }
}
