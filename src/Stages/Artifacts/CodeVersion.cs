using System.Reflection;
using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>Which build of the stage program made an artifact: its version and a hash of the assembly itself.</summary>
public static class CodeVersion
{
    static readonly Lazy<string> current = new(() =>
    {
        var assembly = typeof(CodeVersion).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        string hash = File.Exists(assembly.Location) ? Hashing.Sha256File(assembly.Location)[..12] : "unknown";
        return $"stages {version} (sha256 {hash})";
    });

    public static string Current => current.Value;
}
