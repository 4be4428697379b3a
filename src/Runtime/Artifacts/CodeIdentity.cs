using System.Text.Json.Serialization;

namespace SaePipeline.Artifacts;

/// <summary>How much of the stage program an item's code fingerprint covers (<c>-p:CodeSensitivity</c>).</summary>
public enum CodeSensitivity
{
    /// <summary>The assemblies the item's stage can load: its own floor and the floors below it (the default).</summary>
    Stage,

    /// <summary>Every assembly of the stage program: any code change reruns every item.</summary>
    Program,
}

/// <summary>
/// The code that makes an item: the assemblies its stage's entry point can load, each by the hash of its code, and
/// the packages among them by version (TorchSharp, libtorch, Parquet.Net…: a package is immutable per version, and its
/// native libraries change numbers as much as our own code does). Its <see cref="Fingerprint"/> enters the item's
/// fingerprint, so ids are content-addressed by (params, inputs, code): an edit makes new ids only for the stages
/// whose assemblies changed, and reverting it finds the old results again.
/// </summary>
public sealed record CodeIdentity
{
    public required CodeSensitivity Sensitivity { get; init; }

    /// <summary>The assembly of the stage's entry point, e.g. <c>SaePipeline.Evals.Core</c> (or the program, <c>stages</c>).</summary>
    public required string Entry { get; init; }

    /// <summary>sha256 over the target framework, every assembly's hash and every package's version.</summary>
    public required string Fingerprint { get; init; }

    public required string Framework { get; init; }

    /// <summary>Our own assemblies in the closure (project references), file name → <see cref="AssemblyHash"/>.</summary>
    public required IReadOnlyDictionary<string, string> Assemblies { get; init; }

    /// <summary>The packages in the closure, name → version.</summary>
    public required IReadOnlyDictionary<string, string> Packages { get; init; }

    /// <summary>"SaePipeline.Sae 1a2b3c4d5e6f": what made a result, for provenance fields of the files we write.</summary>
    [JsonIgnore]
    public string Short => $"{Entry} {Fingerprint[..12]}";

    /// <summary>What differs from <paramref name="before"/>, in code terms: changed assemblies, package versions, framework.</summary>
    public IReadOnlyList<string> ChangesSince(CodeIdentity before)
    {
        var changes = new List<string>();
        foreach (var (file, hash) in Assemblies.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (!before.Assemblies.TryGetValue(file, out var old)) changes.Add($"{file} (new)");
            else if (old != hash) changes.Add(file);
        changes.AddRange(before.Assemblies.Keys.Where(k => !Assemblies.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"{k} (removed)"));
        foreach (var (name, version) in Packages.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (before.Packages.GetValueOrDefault(name) is { } old && old != version) changes.Add($"{name} {old} → {version}");
            else if (!before.Packages.ContainsKey(name)) changes.Add($"{name} {version} (new)");
        if (before.Framework != Framework) changes.Add($"{before.Framework} → {Framework}");
        if (before.Sensitivity != Sensitivity) changes.Add($"code sensitivity {before.Sensitivity} → {Sensitivity}".ToLowerInvariant());
        return changes;
    }
}
