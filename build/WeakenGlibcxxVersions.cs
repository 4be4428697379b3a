#nullable disable
// An MSBuild task, compiled by RoslynCodeTaskFactory (netstandard: no records, no spans, no init accessors).
//
// Why: TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 15's libstdc++ and records a version-need on
// GLIBCXX_3.4.32, which Debian 12's libstdc++ (GCC 12) does not define, so dlopen fails. The only symbol of that
// version, std::ios_base_library_init, is referenced by no relocation, so the need is a formality: marking it weak
// (VER_FLG_WEAK in its Elf64_Vernaux entry) lets the dynamic loader accept the library.
//
// What it does, per library file given:
//   1. reads the version definitions of the libstdc++.so.6 the build process itself has mapped (the one the loader
//      will use at run time), so only versions this host really lacks are touched;
//   2. finds the libstdc++ version-needs in .gnu.version_r that the host lacks;
//   3. refuses (build error) when any relocation binds a symbol of such a version: weakening would turn a load-time
//      error into a crash at first call;
//   4. sets the weak flag, writes a new file beside the old one and renames it over it (never writing through a hard
//      link into the NuGet cache), and keeps the original modification time so incremental copies leave it alone.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxVersions : Microsoft.Build.Utilities.Task
{
    [Required] public ITaskItem[] Libraries { get; set; }

    /// <summary>Optional: the libstdc++ whose versions count as available (default: the one mapped into this process).</summary>
    public string HostLibStdCxx { get; set; }

    const uint SHT_RELA = 4, SHT_DYNSYM = 11;
    const uint SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERNEED = 0x6ffffffe, SHT_GNU_VERSYM = 0x6fffffff;
    const ushort VER_FLG_WEAK = 0x2;

    public override bool Execute()
    {
        string host = string.IsNullOrEmpty(HostLibStdCxx) ? FindMappedLibStdCxx() : HostLibStdCxx;
        if (host == null)
        {
            Log.LogMessage(MessageImportance.Normal, "GLIBCXX fix: no libstdc++.so.6 found on this host; nothing to do.");
            return true;
        }
        HashSet<string> available = new HashSet<string>(DefinedVersions(File.ReadAllBytes(host)));
        foreach (ITaskItem item in Libraries)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path)) continue;
            try { Patch(path, available); }
            catch (Exception e) { Log.LogError("GLIBCXX fix: {0}: {1}", path, e.Message); }
        }
        return !Log.HasLoggedErrors;
    }

    void Patch(string path, HashSet<string> available)
    {
        byte[] elf = File.ReadAllBytes(path);
        Elf f = new Elf(elf);
        List<string> weakened = new List<string>();
        foreach (Vernaux need in f.VersionNeeds())
        {
            if (need.File != "libstdc++.so.6" || available.Contains(need.Name) || (need.Flags & VER_FLG_WEAK) != 0) continue;
            int bound = f.RelocationsBindingVersion(need.Index);
            if (bound > 0)
            {
                Log.LogError("GLIBCXX fix: {0} needs {1}, which this host's libstdc++ lacks, and {2} relocation(s) bind " +
                             "symbols of that version, so it cannot be made weak safely. Install a newer libstdc++6.",
                             Path.GetFileName(path), need.Name, bound);
                return;
            }
            WriteU16(elf, need.FlagsOffset, (ushort)(need.Flags | VER_FLG_WEAK));
            weakened.Add(need.Name);
        }
        if (weakened.Count == 0)
        {
            Log.LogMessage(MessageImportance.Low, "GLIBCXX fix: {0} already loads on this host.", path);
            return;
        }
        DateTime mtime = File.GetLastWriteTimeUtc(path);
        string tmp = path + ".glibcxx-tmp";
        File.WriteAllBytes(tmp, elf);
        File.SetLastWriteTimeUtc(tmp, mtime);
        File.Delete(path);   // breaks a hard link into the NuGet cache instead of writing through it
        File.Move(tmp, path);
        Log.LogMessage(MessageImportance.High, "GLIBCXX fix: marked {0} weak in {1}", string.Join(", ", weakened), path);
    }

    static string FindMappedLibStdCxx()
    {
        try
        {
            foreach (string line in File.ReadAllLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.Contains("/libstdc++.so.6")) return line.Substring(slash).Trim();
            }
        }
        catch (IOException) { }
        foreach (string p in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
            if (File.Exists(p)) return p;
        return null;
    }

    static IEnumerable<string> DefinedVersions(byte[] data)
    {
        Elf f = new Elf(data);
        return f.VersionDefinitions();
    }

    static void WriteU16(byte[] b, long at, ushort v) { b[at] = (byte)v; b[at + 1] = (byte)(v >> 8); }

    struct Vernaux
    {
        public string File, Name;
        public ushort Flags, Index;
        public long FlagsOffset;
    }

    /// <summary>Just enough of ELF64 little-endian to read version definitions, version needs and relocations.</summary>
    sealed class Elf
    {
        readonly byte[] b;
        readonly List<Section> sections = new List<Section>();

        struct Section { public uint Type, Link; public long Offset, Size, EntSize; }

        public Elf(byte[] data)
        {
            b = data;
            if (b.Length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
                throw new InvalidDataException("not an ELF file");
            if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");
            long shoff = (long)U64(0x28);
            int shentsize = U16(0x3A), shnum = U16(0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                sections.Add(new Section
                {
                    Type = U32(h + 4), Offset = (long)U64(h + 0x18), Size = (long)U64(h + 0x20),
                    Link = U32(h + 0x28), EntSize = (long)U64(h + 0x38),
                });
            }
        }

        ushort U16(long at) { return BitConverter.ToUInt16(b, (int)at); }
        uint U32(long at) { return BitConverter.ToUInt32(b, (int)at); }
        ulong U64(long at) { return BitConverter.ToUInt64(b, (int)at); }

        string Str(Section table, uint at)
        {
            long start = table.Offset + at, end = start;
            while (b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
        }

        public IEnumerable<string> VersionDefinitions()
        {
            foreach (Section s in sections.Where(x => x.Type == SHT_GNU_VERDEF))
            {
                Section strtab = sections[(int)s.Link];
                long vd = s.Offset;
                while (true)
                {
                    long aux = vd + U32(vd + 12);
                    yield return Str(strtab, U32(aux));
                    uint next = U32(vd + 16);
                    if (next == 0) break;
                    vd += next;
                }
            }
        }

        public IEnumerable<Vernaux> VersionNeeds()
        {
            foreach (Section s in sections.Where(x => x.Type == SHT_GNU_VERNEED))
            {
                Section strtab = sections[(int)s.Link];
                long vn = s.Offset;
                while (true)
                {
                    string file = Str(strtab, U32(vn + 4));
                    int count = U16(vn + 2);
                    long aux = vn + U32(vn + 8);
                    for (int i = 0; i < count; i++)
                    {
                        yield return new Vernaux
                        {
                            File = file, Flags = U16(aux + 4), FlagsOffset = aux + 4, Index = U16(aux + 6),
                            Name = Str(strtab, U32(aux + 8)),
                        };
                        aux += U32(aux + 12);
                    }
                    uint next = U32(vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
        }

        /// <summary>How many RELA entries refer to a dynamic symbol whose version index is <paramref name="versionIndex"/>.</summary>
        public int RelocationsBindingVersion(ushort versionIndex)
        {
            int dynsym = sections.FindIndex(x => x.Type == SHT_DYNSYM);
            int versym = sections.FindIndex(x => x.Type == SHT_GNU_VERSYM);
            if (dynsym < 0 || versym < 0) return 0;
            int count = 0;
            foreach (Section rela in sections.Where(x => x.Type == SHT_RELA && x.Link == (uint)dynsym))
            {
                for (long r = rela.Offset; r + 24 <= rela.Offset + rela.Size; r += 24)
                {
                    uint sym = (uint)(U64(r + 8) >> 32);
                    if (sym == 0) continue;
                    ushort ver = (ushort)(U16(sections[versym].Offset + 2L * sym) & 0x7fff);
                    if (ver == versionIndex) count++;
                }
            }
            return count;
        }
    }
}
