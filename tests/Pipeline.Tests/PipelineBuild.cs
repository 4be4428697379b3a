using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SaePipeline.PipelineTests;

/// <summary>What one `dotnet build` printed: exit code, output, and the stage summary lines.</summary>
public sealed record BuildResult(int ExitCode, string Output, IReadOnlyList<string> Ran, IReadOnlyList<string> UpToDate, IReadOnlyList<string> FromCache)
{
    /// <summary>Ran items as "Stage/name" (ids carry a hash; names are what a test knows).</summary>
    public IEnumerable<string> RanNames => Ran.Select(Workspace.StageAndName).Order();

    /// <summary>Ran items by id, the report left out (its summary records when it was made).</summary>
    public IEnumerable<string> RanIdsButReport => Ran.Where(i => !i.StartsWith("Report/", StringComparison.Ordinal)).Order();
}

/// <summary>A micro pipeline in a temp folder, built with the repository's real targets.</summary>
public sealed partial class Workspace : IDisposable
{
    /// <param name="repo">The checkout whose targets and tools build it: the repository, or a copy a test edits.</param>
    public Workspace(string yaml, string? repo = null)
    {
        Dir = Path.Combine(Path.GetTempPath(), "sae-pipeline-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Dir);
        Yaml = yaml;
        Repo = repo ?? RepoRoot;
    }

    public string Repo { get; }

    public string Dir { get; }
    public string PipelineFile => Path.Combine(Dir, "pipeline.yaml");
    public string Artifacts => Path.Combine(Dir, "artifacts");

    /// <summary>The report folder of the experiment in <see cref="Yaml"/> (artifacts/report/&lt;experiment name&gt;).</summary>
    public string Report => Path.Combine(Artifacts, "report", Experiment);

    /// <summary>The experiment's name in <see cref="Yaml"/> ("experiment" when it has none).</summary>
    public string Experiment => ExperimentName().Match(Yaml) is { Success: true } m ? m.Groups[1].Value : "experiment";

    /// <summary>An SAE's newest SAEBench result file of an evaluation (results of other settings stay beside it until pruned).</summary>
    public System.Text.Json.Nodes.JsonNode NewestResult(string evalTypeId, string sae) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(
            Directory.GetFiles(Path.Combine(Artifacts, "evals", evalTypeId), $"{Experiment}_{sae}_eval_results.json", SearchOption.AllDirectories)
                .OrderBy(File.GetLastWriteTimeUtc).Last()))!;

    [System.Text.RegularExpressions.GeneratedRegex(@"^name:\s*(\S+)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex ExperimentName();
    public string NotesFile => Path.Combine(Dir, "notes.txt");

    public string Yaml
    {
        get => File.ReadAllText(PipelineFile);
        set => File.WriteAllText(PipelineFile, value);
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    public ProcessStartInfo StartInfo(string target, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "build", "SaePipeline.slnx", $"-t:{target}", $"-p:Pipeline={PipelineFile}", $"-p:Artifacts={Artifacts}",
                                  "-nologo", "-v:m", "-tl:off", "-nodeReuse:false" }.Concat(extra))
            start.ArgumentList.Add(a);
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        return start;
    }

    /// <summary>Environment variables for this workspace's builds (e.g. an S3 endpoint), on top of the test process's.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Starts a build in the background, for a test that kills it part-way (<see cref="RunningBuild.Kill"/>).</summary>
    public RunningBuild Start(string target = "Experiment", params string[] extra) => new(this, StartInfo(target, extra));

    /// <summary>
    /// Live processes whose command line contains <paramref name="text"/>, as (pid, command line). A workspace's
    /// folder names its builds (<c>-p:Pipeline=</c>) and their stage processes (the spec path); a zombie's command line
    /// is empty, so a killed process that only waits to be reaped is not listed. Linux: reads /proc.
    /// </summary>
    public static List<(int Pid, string CommandLine)> ProcessesNaming(string text)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string commandLine;
            try { commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }   // ended meanwhile
            if (commandLine.Contains(text, StringComparison.Ordinal)) found.Add((pid, commandLine));
        }
        return found;
    }

    public BuildResult Build(string target = "Experiment", params string[] extra)
    {
        using var process = Process.Start(StartInfo(target, extra))!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet build took over 10 minutes:\n" + output);
        }
        process.WaitForExit();
        string text = output.ToString();
        var ran = Summary().Matches(text).Where(m => m.Groups[3].Value == "ran in").Select(m => $"{m.Groups[1].Value}/{m.Groups[2].Value}").ToList();
        var upToDate = Summary().Matches(text).Where(m => m.Groups[3].Value == "up to date").Select(m => $"{m.Groups[1].Value}/{m.Groups[2].Value}").ToList();
        var fromCache = Summary().Matches(text).Where(m => m.Groups[3].Value == "from cache").Select(m => $"{m.Groups[1].Value}/{m.Groups[2].Value}").ToList();
        return new BuildResult(process.ExitCode, text, ran, upToDate, fromCache);
    }

    /// <summary>"TrainSae/relu-a-1a2b3c4d" → "TrainSae/relu-a"; the report, whose id is the experiment's name, is "Report/report".</summary>
    public static string StageAndName(string item) => item.StartsWith("Report/", StringComparison.Ordinal) ? "Report/report" : HashSuffix().Replace(item, "");

    [GeneratedRegex(@"^\s*stage (\w+) (\S+): (ran in|up to date|failed|from cache)", RegexOptions.Multiline)]
    private static partial Regex Summary();

    [GeneratedRegex(@"-[0-9a-f]{8}$")]
    private static partial Regex HashSuffix();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SaePipeline.slnx"))) return dir.FullName;
        throw new InvalidOperationException("SaePipeline.slnx not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// A build running in the background, to be killed the way a lost machine or a SIGKILL to its whole process tree kills
/// it: <see cref="Kill"/> ends the build, its MSBuild nodes and the stage process under them, and returns only
/// once no process names the workspace any more, so nothing of the killed build writes under the next one.
/// </summary>
public sealed class RunningBuild : IDisposable
{
    readonly Workspace workspace;
    readonly Process process;
    readonly Task<string> stdout, stderr;

    internal RunningBuild(Workspace workspace, ProcessStartInfo start)
    {
        this.workspace = workspace;
        process = Process.Start(start)!;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>What the build printed; only once it has ended (killed or not).</summary>
    public string Output => stdout.Result + stderr.Result;

    /// <summary>Polls (every 5 ms) until <paramref name="condition"/> holds; fails if the build ends first or 5 minutes pass.</summary>
    public void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!condition())
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                Assert.Fail($"the build ended (exit code {process.ExitCode}) before {what}:\n{Output}");
            }
            Assert.True(DateTime.UtcNow < deadline, $"5 minutes passed before {what}");
            Thread.Sleep(5);
        }
    }

    /// <summary>Waits (at most 10 minutes) for the build to end by itself and returns its exit code and output.</summary>
    public (int ExitCode, string Output) Wait()
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(10))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return (process.ExitCode, Output);
    }

    /// <summary>Kills the build's whole process tree and waits until no process names the workspace (at most 30 s).</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Workspace.ProcessesNaming(workspace.Dir) is [var (pid, commandLine), ..])
        {
            Assert.True(DateTime.UtcNow < deadline, $"process {pid} outlived the killed build: {commandLine}");
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        // A test that failed before its kill: end the build without asserting, so its own failure is what is reported.
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
    }
}

/// <summary>Builds share the repository's Release outputs, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildCollection
{
    public const string Name = "pipeline builds";
}
