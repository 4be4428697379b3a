using System.Runtime.Loader;
using SaePipeline.Artifacts;
using SaePipeline.Runtime;

namespace SaePipeline.Tests.Code;

/// <summary>
/// A stage's code identity follows the program's reference graph (deps.json) from its entry assembly, hashes our
/// assemblies and names packages by version; here on a hand-made program whose graph and files the test plants.
/// </summary>
public sealed class ProgramCodeTests
{
    /// <summary>A program: app → A → B → package P; C stands alone. Each dll is a file with planted bytes.</summary>
    static string Program(TempDir dir, string packageVersion = "1.2.3")
    {
        foreach (var name in new[] { "app", "A", "B", "C" }) dir.File($"{name}.dll", $"bytes of {name}");
        dir.File("P.dll", "package bytes");
        return dir.File("app.deps.json", $$"""
            {
              "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0", "signature": "" },
              "targets": {
                ".NETCoreApp,Version=v10.0": {
                  "app/1.0.0": { "dependencies": { "A": "1.0.0", "C": "1.0.0" }, "runtime": { "app.dll": {} } },
                  "A/1.0.0": { "dependencies": { "B": "1.0.0" }, "runtime": { "A.dll": {} } },
                  "B/1.0.0": { "dependencies": { "P": "{{packageVersion}}" }, "runtime": { "B.dll": {} } },
                  "C/1.0.0": { "runtime": { "C.dll": {} } },
                  "P/{{packageVersion}}": { "runtime": { "lib/net8.0/P.dll": {} } }
                }
              },
              "libraries": {
                "app/1.0.0": { "type": "project" }, "A/1.0.0": { "type": "project" }, "B/1.0.0": { "type": "project" },
                "C/1.0.0": { "type": "project" }, "P/{{packageVersion}}": { "type": "package" }
              }
            }
            """);
    }

    [Fact]
    public void AnEntryCoversWhatItCanLoadAndNothingElse()
    {
        using var dir = new TempDir();
        var code = ProgramCode.Load(Program(dir)).Of("A", CodeSensitivity.Stage);
        Assert.Equal(["A.dll", "B.dll"], code.Assemblies.Keys);
        Assert.Equal(Hashing.Sha256Hex("bytes of B"), code.Assemblies["B.dll"]);
        Assert.Equal(new Dictionary<string, string> { ["P"] = "1.2.3" }, code.Packages);
        Assert.Equal(".NETCoreApp,Version=v10.0", code.Framework);
    }

    [Fact]
    public void TheFingerprintMovesWithTheBytesOfAnAssemblyInTheClosureOnly()
    {
        using var dir = new TempDir();
        string deps = Program(dir);
        var a = ProgramCode.Load(deps).Of("A", CodeSensitivity.Stage);
        var c = ProgramCode.Load(deps).Of("C", CodeSensitivity.Stage);

        dir.File("B.dll", "edited bytes of B");
        var a2 = ProgramCode.Load(deps).Of("A", CodeSensitivity.Stage);
        var c2 = ProgramCode.Load(deps).Of("C", CodeSensitivity.Stage);
        Assert.NotEqual(a.Fingerprint, a2.Fingerprint);
        Assert.Equal(["B.dll"], a2.ChangesSince(a));
        Assert.Equal(c.Fingerprint, c2.Fingerprint);

        dir.File("B.dll", "bytes of B");   // reverting finds the old fingerprint
        Assert.Equal(a.Fingerprint, ProgramCode.Load(deps).Of("A", CodeSensitivity.Stage).Fingerprint);
    }

    [Fact]
    public void APackageCountsByItsVersion()
    {
        using var dir = new TempDir();
        var before = ProgramCode.Load(Program(dir)).Of("A", CodeSensitivity.Stage);
        using var other = new TempDir();
        var after = ProgramCode.Load(Program(other, packageVersion: "1.2.4")).Of("A", CodeSensitivity.Stage);
        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
        Assert.Equal(["P 1.2.3 → 1.2.4"], after.ChangesSince(before));
    }

    [Fact]
    public void ProgramSensitivityCoversTheWholeProgram()
    {
        using var dir = new TempDir();
        // The real program's name: with program sensitivity every stage's entry is the stage program.
        dir.File("stages.dll", "the program");
        string deps = File.ReadAllText(Program(dir)).Replace("\"app/1.0.0\"", "\"stages/1.0.0\"").Replace("\"app.dll\"", "\"stages.dll\"");
        var program = ProgramCode.Load(dir.File("app.deps.json", deps));
        var a = program.Of("A", CodeSensitivity.Program);
        Assert.Equal(program.Of("C", CodeSensitivity.Program), a);
        Assert.Equal(["A.dll", "B.dll", "C.dll", "stages.dll"], a.Assemblies.Keys);
    }

    [Fact]
    public void AnEntryTheProgramDoesNotListIsAnError()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<PipelineException>(() => ProgramCode.Load(Program(dir)).Of("Nope", CodeSensitivity.Stage));
        Assert.Contains("Nope is not an assembly of the program", e.Message);
    }

    [Fact]
    public void AnAssemblyLoadedOutsideTheFingerprintStopsTheItem()
    {
        using var dir = new TempDir();
        var program = ProgramCode.Load(Program(dir));
        // A real assembly in the program folder that the entry's graph does not name (as a plugin loaded by path would be).
        File.Copy(typeof(ProgramCode).Assembly.Location, Path.Combine(dir.Path, "Plugin.dll"));
        using var watch = LoadWatch.Start(program, program.Of("A", CodeSensitivity.Stage));
        var context = new AssemblyLoadContext("plugin", isCollectible: true);
        try
        {
            context.LoadFromAssemblyPath(Path.Combine(dir.Path, "Plugin.dll"));
            var e = Assert.Throws<PipelineException>(() => watch.ThrowIfUncovered("TrainSae a-1"));
            Assert.Contains("TrainSae a-1 loaded Plugin.dll, which its code fingerprint does not cover", e.Message);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void TheRunningProgramsStagesCoverTheirFloors()
    {
        // In the test host the graph is this test project's; the stage entries' closures are the same as in the program.
        var core = ProgramCode.Current.Of("SaePipeline.Evals.Core", CodeSensitivity.Stage);
        Assert.Contains("SaePipeline.Sae.dll", core.Assemblies.Keys);
        Assert.Contains("SaePipeline.Runtime.dll", core.Assemblies.Keys);
        Assert.DoesNotContain("SaePipeline.Reports.dll", core.Assemblies.Keys);
        Assert.DoesNotContain("stages.dll", core.Assemblies.Keys);
        Assert.Contains("TorchSharp", core.Packages.Keys);
        Assert.Contains("libtorch-cpu-linux-x64", core.Packages.Keys);
    }
}
