using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace SaePipeline.Artifacts;

/// <summary>
/// The hash of an assembly's code: sha256 of its file with the fields that only name its debug information blanked.
/// A deterministic build derives the module version id, the COFF time stamp and the debug directory's PDB id and
/// checksum from the PDB, whose line tables move with every comment or blank line; the IL and metadata do not. So a
/// comment-only edit leaves this hash (and every result's id) as it was, while any change to the code itself moves it.
/// </summary>
public static class AssemblyHash
{
    public static string Of(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            using (var pe = new PEReader(new MemoryStream(bytes, writable: false)))
            {
                if (!pe.HasMetadata) return Convert.ToHexStringLower(SHA256.HashData(bytes));
                var headers = pe.PEHeaders;
                foreach (var range in DebugOnlyRanges(pe, headers))
                    Array.Clear(bytes, range.Start, range.Length);
            }
            return Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
        catch (BadImageFormatException)
        {
            return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));   // not a PE file: its bytes, as they are
        }
    }

    static IEnumerable<(int Start, int Length)> DebugOnlyRanges(PEReader pe, PEHeaders headers)
    {
        // COFF TimeDateStamp: 4 bytes after Machine (2) and NumberOfSections (2).
        yield return (headers.CoffHeaderStartOffset + 4, 4);

        // The module's MVID in the #GUID heap.
        var reader = pe.GetMetadataReader();
        int guidHeap = headers.MetadataStartOffset + reader.GetHeapMetadataOffset(HeapIndex.Guid);
        int mvid = MetadataTokens.GetHeapOffset(reader.GetModuleDefinition().Mvid);   // 1-based index of 16-byte GUIDs
        if (mvid > 0) yield return (guidHeap + (mvid - 1) * 16, 16);

        // Each debug directory entry's time stamp (the PDB id's last 4 bytes) and the data of the entries that name the PDB.
        var directory = headers.PEHeader!.DebugTableDirectory;
        if (directory.Size > 0 && headers.TryGetDirectoryOffset(directory, out int table))
            for (int offset = table; offset + 28 <= table + directory.Size; offset += 28)
                yield return (offset + 4, 4);
        foreach (var entry in pe.ReadDebugDirectory())
            if (entry.Type is DebugDirectoryEntryType.CodeView or DebugDirectoryEntryType.PdbChecksum && entry.DataPointer > 0)
                yield return (entry.DataPointer, entry.DataSize);
    }
}
