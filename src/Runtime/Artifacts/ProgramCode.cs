using System.Text;
using System.Text.Json;
using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>
/// The assemblies of the running program and what each can load, read from its <c>.deps.json</c>: the graph of
/// project and package references the SDK resolved at build time, which is also what the host's assembly resolution
/// probes, so an assembly a stage can load is one this graph names. The planner asks it for each stage's
/// <see cref="CodeIdentity"/>; a stage process asks it again to check that it is the code its spec was planned with.
/// Our assemblies are hashed by their code (<see cref="AssemblyHash"/>: with deterministic builds an assembly whose
/// sources did not change keeps its bytes, and one whose comments alone changed keeps its code hash); packages are
/// named by version. Nothing is cached across processes: hashing the program's own assemblies takes
/// milliseconds.
/// </summary>
public sealed class ProgramCode
{
    /// <summary>The stage program's own assembly; with <see cref="CodeSensitivity.Program"/> every item's entry.</summary>
    public const string ProgramAssembly = "stages";

    readonly string appDir, framework;
    readonly Dictionary<string, Library> libraries;   // by name
    readonly Dictionary<string, string> hashes = new(StringComparer.Ordinal);
    readonly Dictionary<(string, CodeSensitivity), CodeIdentity> identities = [];

    sealed record Library(string Name, string Version, bool IsProject, IReadOnlyList<string> Dependencies, IReadOnlyList<string> RuntimeFiles);

    ProgramCode(string depsFile)
    {
        appDir = Path.GetDirectoryName(Path.GetFullPath(depsFile))!;
        using var doc = JsonDocument.Parse(File.ReadAllText(depsFile));
        var root = doc.RootElement;
        framework = root.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
        var types = root.GetProperty("libraries").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("type").GetString());
        libraries = new Dictionary<string, Library>(StringComparer.Ordinal);
        foreach (var lib in root.GetProperty("targets").GetProperty(framework).EnumerateObject())
        {
            int slash = lib.Name.IndexOf('/');
            string name = lib.Name[..slash], version = lib.Name[(slash + 1)..];
            var dependencies = lib.Value.TryGetProperty("dependencies", out var d) ? d.EnumerateObject().Select(p => p.Name).ToList() : [];
            var runtime = lib.Value.TryGetProperty("runtime", out var r) ? r.EnumerateObject().Select(p => Path.GetFileName(p.Name)).ToList() : [];
            libraries[name] = new Library(name, version, types.GetValueOrDefault(lib.Name) == "project", dependencies, runtime);
        }
    }

    static readonly Lazy<ProgramCode> current = new(() => Load(CurrentDepsFile()));

    /// <summary>The running program's (the stage program's, or a test host's, whose graph holds the same projects).</summary>
    public static ProgramCode Current => current.Value;

    public static ProgramCode Load(string depsFile)
    {
        if (!File.Exists(depsFile)) throw new PipelineException($"{depsFile} does not exist: cannot tell which code a stage runs", depsFile);
        return new ProgramCode(depsFile);
    }

    /// <summary>The code identity of a stage whose entry point is in <paramref name="entryAssembly"/>.</summary>
    public CodeIdentity Of(string entryAssembly, CodeSensitivity sensitivity)
    {
        lock (identities)
        {
            string entry = sensitivity == CodeSensitivity.Program ? ProgramAssembly : entryAssembly;
            if (identities.TryGetValue((entry, sensitivity), out var known)) return known;
            var closure = Closure(entry);
            var assemblies = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var packages = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var lib in closure)
                if (lib.IsProject)
                    foreach (var file in lib.RuntimeFiles) assemblies[file] = Hash(file);
                else packages[lib.Name] = lib.Version;
            var text = new StringBuilder().Append("framework ").Append(framework).Append('\n');
            foreach (var (file, hash) in assemblies) text.Append("assembly ").Append(file).Append(' ').Append(hash).Append('\n');
            foreach (var (name, version) in packages) text.Append("package ").Append(name).Append(' ').Append(version).Append('\n');
            return identities[(entry, sensitivity)] = new CodeIdentity
            {
                Sensitivity = sensitivity, Entry = entry, Framework = framework, Fingerprint = Hashing.Sha256Hex(text.ToString()),
                Assemblies = assemblies, Packages = packages,
            };
        }
    }

    /// <summary>The file names (in the program folder) of every assembly, ours and packages', that the identity covers.</summary>
    public IReadOnlySet<string> FilesOf(CodeIdentity code) =>
        Closure(code.Entry).SelectMany(l => l.RuntimeFiles).ToHashSet(StringComparer.Ordinal);

    /// <summary>The program folder, where every assembly of the graph is.</summary>
    public string Folder => appDir;

    List<Library> Closure(string entry)
    {
        if (!libraries.ContainsKey(entry))
            throw new PipelineException($"{entry} is not an assembly of the program in {appDir} (its deps.json does not list it)", appDir);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<Library>();
        var pending = new Stack<string>([entry]);
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (!seen.Add(name) || !libraries.TryGetValue(name, out var lib)) continue;   // framework references are not listed
            order.Add(lib);
            foreach (var d in lib.Dependencies) pending.Push(d);
        }
        return order;
    }

    string Hash(string file)
    {
        if (hashes.TryGetValue(file, out var h)) return h;
        string path = Path.Combine(appDir, file);
        if (!File.Exists(path)) throw new PipelineException($"{path} is listed in the program's deps.json but missing; rebuild the tools", path);
        return hashes[file] = AssemblyHash.Of(path);
    }

    /// <summary>The app's deps.json: the host names it in APP_CONTEXT_DEPS_FILES (first entry; framework files follow).</summary>
    static string CurrentDepsFile()
    {
        if (AppContext.GetData("APP_CONTEXT_DEPS_FILES") is string files
            && files.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(f => Path.GetFullPath(Path.GetDirectoryName(f)!) == Path.GetFullPath(AppContext.BaseDirectory.TrimEnd('/'))) is { } own)
            return own;
        var candidates = Directory.GetFiles(AppContext.BaseDirectory, "*.deps.json");
        return candidates.Length == 1 ? candidates[0]
            : throw new PipelineException($"cannot tell which of {candidates.Length} deps.json files in {AppContext.BaseDirectory} is the program's", AppContext.BaseDirectory);
    }
}
