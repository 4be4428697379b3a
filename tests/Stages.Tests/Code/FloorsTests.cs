using System.Xml.Linq;

namespace SaePipeline.Tests.Code;

/// <summary>
/// The floors of the stage library and the only references allowed between them. The compiler refuses a type from a
/// floor a project does not reference; this test refuses the reference itself, so a forbidden arrow (Sae → Evals, say)
/// cannot be "fixed" by adding it to a project file.
/// </summary>
public sealed class FloorsTests
{
    /// <summary>Each project's direct references, as the layering allows them (src/&lt;name&gt;/&lt;name&gt;.csproj).</summary>
    static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Contracts"] = [],
        ["Runtime"] = ["Contracts"],
        ["Data"] = ["Runtime"],
        ["Config"] = ["Data"],
        ["Models"] = ["Config"],
        ["Activations"] = ["Models"],
        ["Probes"] = ["Activations"],
        ["Sae"] = ["Activations"],
        ["Evals"] = ["Sae"],
        ["Evals.Core"] = ["Evals"],
        ["Evals.Causal"] = ["Evals"],
        ["Evals.Synthetic"] = ["Evals"],
        ["Evals.ScrTpp"] = ["Evals", "Probes"],
        ["Evals.SparseProbing"] = ["Evals", "Probes"],
        ["Evals.Absorption"] = ["Evals", "Probes"],
        ["Reports"] = ["Evals", "Evals.ScrTpp"],
        ["Cache"] = ["Runtime"],
        ["Pipeline.Tasks"] = ["Contracts"],
        ["Stages"] = ["Reports", "Cache", "Evals.Core", "Evals.Causal", "Evals.ScrTpp", "Evals.SparseProbing", "Evals.Absorption", "Evals.Synthetic"],
    };

    static string Src => Path.Combine(Fixtures.RepoRoot, "src");

    static string[] References(string project) =>
        XDocument.Load(Path.Combine(Src, project, $"{project}.csproj")).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void EveryProjectReferencesOnlyWhatItsFloorAllows()
    {
        var projects = Directory.GetDirectories(Src).Select(Path.GetFileName).Where(d => File.Exists(Path.Combine(Src, d!, $"{d}.csproj"))).Order().ToArray();
        Assert.Equal(Allowed.Keys.Order(), projects!);
        foreach (var project in projects)
            Assert.True(Allowed[project!].Order().SequenceEqual(References(project!)),
                $"{project} references {string.Join(", ", References(project!))}; its floor allows {string.Join(", ", Allowed[project!])}");
    }

    [Fact]
    public void TheFloorsFormNoCycleAndTheTasksStayFreeOfTensors()
    {
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        void Visit(string p)
        {
            Assert.True(visiting.Add(p), $"a reference cycle through {p}");
            foreach (var r in Allowed[p]) if (!done.Contains(r)) Visit(r);
            visiting.Remove(p);
            done.Add(p);
        }
        foreach (var p in Allowed.Keys) if (!done.Contains(p)) Visit(p);

        var packages = XDocument.Load(Path.Combine(Src, "Pipeline.Tasks", "Pipeline.Tasks.csproj")).Descendants("PackageReference")
            .Select(r => r.Attribute("Include")!.Value);
        Assert.DoesNotContain(packages, p => p.StartsWith("TorchSharp", StringComparison.Ordinal) || p.StartsWith("libtorch", StringComparison.Ordinal));
        Assert.Empty(XDocument.Load(Path.Combine(Src, "Contracts", "Contracts.csproj")).Descendants("PackageReference"));
    }
}
