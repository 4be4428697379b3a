using System.Collections;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SaePipeline.Tests;

/// <summary>
/// The build step that makes TorchSharp load on Debian 12 (build/WeakenGlibcxxVersions.cs, compiled into this test
/// assembly): it must flip exactly the version-need flags the host lacks, and refuse when that would be unsafe.
/// </summary>
public sealed class GlibcxxFixTests
{
    static string NuGetLibrary() =>
        Directory.EnumerateFiles(Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                                              ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "torchsharp"),
                                 "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    static (bool Ok, FakeEngine Engine) Run(string library, string host)
    {
        var engine = new FakeEngine();
        var task = new WeakenGlibcxxVersions { BuildEngine = engine, Libraries = [new TaskItem(library)], HostLibStdCxx = host };
        return (task.Execute(), engine);
    }

    static string HostLibStdCxx() =>
        new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6" }.First(File.Exists);

    [Fact]
    public void WeakensOnlyWhatTheHostLacksAndLeavesTheOriginalAlone()
    {
        using var dir = new TempDir();
        string original = NuGetLibrary();
        string copy = Path.Combine(dir.Path, "libLibTorchSharp.so");
        File.Copy(original, copy);
        var before = File.ReadAllBytes(copy);
        var mtime = File.GetLastWriteTimeUtc(copy);

        var (ok, engine) = Run(copy, HostLibStdCxx());
        Assert.True(ok, string.Join("\n", engine.Errors));
        var after = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        if (engine.Messages.Any(m => m.Contains("marked")))
        {
            // Debian 12 lacks GLIBCXX_3.4.32 only: one vna_flags field gets the weak bit (0x2), nothing else moves.
            Assert.Single(changed);
            Assert.Equal(before[changed[0]] | 2, after[changed[0]]);
            Assert.Contains(engine.Messages, m => m.Contains("GLIBCXX_3.4.32"));
        }
        else Assert.Empty(changed);   // a host with a newer libstdc++ needs nothing
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(copy));

        // Running again finds nothing to do.
        Assert.True(Run(copy, HostLibStdCxx()).Ok);
        Assert.Equal(after, File.ReadAllBytes(copy));
    }

    [Fact]
    public void RefusesWhenRelocationsBindAVersionTheHostLacks()
    {
        // An ELF that defines no GLIBCXX version at all stands in for a very old libstdc++: the library's real
        // dependencies (bound by relocations) are then missing too, and weakening them would crash at run time.
        using var dir = new TempDir();
        string copy = Path.Combine(dir.Path, "libLibTorchSharp.so");
        File.Copy(NuGetLibrary(), copy);
        var before = File.ReadAllBytes(copy);
        var (ok, engine) = Run(copy, "/bin/ls");
        Assert.False(ok);
        Assert.Contains(engine.Errors, e => e.Contains("relocation(s) bind symbols of that version"));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    sealed class FakeEngine : IBuildEngine
    {
        public List<string> Errors { get; } = [];
        public List<string> Messages { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test";
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e.Message ?? "");
        public void LogWarningEvent(BuildWarningEventArgs e) => Messages.Add(e.Message ?? "");
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e.Message ?? "");
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
    }
}
