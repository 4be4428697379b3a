using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SaePipeline.Tests;

/// <summary>
/// A corpus of bad pipeline files, each run through <c>stages plan</c> as a real subprocess, as a person would run it.
/// Every case must be refused the way a user mistake is refused, never the way a bug is:
/// <list type="number">
/// <item>exit code 1 (0 would mean it was accepted; 2 is "internal error, a bug"; anything else is a crash);</item>
/// <item>an MSBuild canonical error naming the file and the key: <c>pipeline.yaml(line,col): error SAE1xxx: key.path: message</c>;</item>
/// <item>no stack trace, no SAE9999, no "internal error", no exception type name;</item>
/// <item>nothing written outside the artifacts root, and the pipeline file unchanged (cwd is a fresh folder holding only it);</item>
/// <item>the artifacts root unchanged: it is first populated with the specs of a valid micro config's plan, and its
/// listing (path, size, sha256) must be the same afterwards.</item>
/// </list>
/// The cases are the files in <c>BadConfigs/</c>, each opening with header comments:
/// <code>
/// # expect: saes.a.d_sae          a key path the error must name; '*' matches any characters (saes*.name)
/// # expect: (line 7)              a whole-file error (YAML syntax) located at line 7; (line 3-9) a range; (line) any line ≥ 1
/// # expect: (file)                an error naming the file, with or without a position (e.g. a file too large to read)
/// # expect: name | (line 1)       alternatives: any one will do
/// # why: one line saying what is wrong and what the refusal should say
/// </code>
/// Several <c>expect</c> lines must all be met. Cases too large (or too hostile) to commit are made by
/// <see cref="Generators"/>: 300-character names, YAML alias bombs, 100,000 nested brackets, a file over 4 MiB.
/// Every case runs under a timeout (an alias bomb must be refused in seconds, not minutes).
/// </summary>
public sealed class BadConfigCorpusTests(BadConfigCorpusTests.ValidPlan validPlan) : IClassFixture<BadConfigCorpusTests.ValidPlan>
{
    static readonly string CorpusFolder = Path.Combine(AppContext.BaseDirectory, "BadConfigs");
    static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The valid micro config of the README's config section: its plan populates the artifacts root of every case.</summary>
    internal const string MicroConfig = """
        name: micro
        seed: 3
        synthetic:
          n_features: 24
          d_in: 16
          n_tokens: 8192
          n_heldout_tokens: 2048
          rows_per_shard: 4096
          rows_per_row_group: 1024
        sae_defaults:
          d_sae: 48
          lr: 0.003
          batch_size: 256
          training_tokens: 16384
          lr_warmup_steps: 10
          sparsity_warmup_steps: 20
          shuffle_buffer_rows: 2048
        saes:
          - name: a
            l1_coefficient: 0.05
          - name: b
            l1_coefficient: 0.1

        """;

    /// <summary>The same SAEs on the built-in model's activations (planning trains nothing, so this is cheap).</summary>
    static readonly string LanguageModelConfig = """
        name: micro-lm
        seed: 3
        model: builtin:tiny
        activations:
          hook: blocks.1.hook_resid_post
          context: 32
          n_tokens: 8192
          n_heldout_tokens: 1024

        """ + MicroConfig[MicroConfig.IndexOf("sae_defaults:", StringComparison.Ordinal)..];

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusFolder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
            data.Add(file!);
        return data;
    }

    public static TheoryData<string> GeneratedCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in Generators.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusFileIsRefusedCleanly(string file)
    {
        byte[] content = File.ReadAllBytes(Path.Combine(CorpusFolder, file));
        var expects = ExpectationsOf(Encoding.UTF8.GetString(content));
        Assert.True(expects.Count > 0, $"{file} has no '# expect:' header line");
        RunAndCheck(file, content, expects, DefaultTimeout);
    }

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public void GeneratedCaseIsRefusedCleanly(string name)
    {
        var g = Generators[name]();
        RunAndCheck(name, g.Content, g.Expects.Select(Expectation.Parse).ToList(), g.Timeout);
    }

    /// <summary>Every mistake in a file is reported in one run, even when saes is missing and sae_defaults applies to nothing.</summary>
    [Fact]
    public void AllFourMistakesAreReportedTogether()
    {
        const string file = "four-mistakes-saes-missing.yaml";
        byte[] content = File.ReadAllBytes(Path.Combine(CorpusFolder, file));
        var run = Run(content, DefaultTimeout);
        Assert.False(run.TimedOut, $"timed out\n{run.Output}");
        var errors = ErrorLine.All(run.Output);
        foreach (var key in new[] { "saes", "seed", "synthetic.d_in", "sae_defaults.lr" })
            Assert.True(errors.Any(e => e.Key == key && e.Line > 0), $"no error naming '{key}' among the {errors.Count} reported:\n{run.Output}");
        Assert.True(errors.Count >= 4, run.Output);
        Assert.Equal(1, run.ExitCode);
    }

    /// <summary>The corpus itself: large enough, and every file states its expectation and why.</summary>
    [Fact]
    public void CorpusFilesHaveHeaders()
    {
        var files = Directory.GetFiles(CorpusFolder, "*.yaml");
        Assert.True(files.Length + Generators.Count >= 45, $"only {files.Length} files and {Generators.Count} generated cases");
        foreach (var path in files)
        {
            string text = File.ReadAllText(path);
            Assert.True(ExpectationsOf(text).Count > 0, $"{Path.GetFileName(path)}: no '# expect:' line");
            Assert.True(Regex.IsMatch(text, @"^# why: \S", RegexOptions.Multiline), $"{Path.GetFileName(path)}: no '# why:' line");
            Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*\\.yaml$", Path.GetFileName(path));
        }
    }

    // ---------------------------------------------------------------- generated cases

    sealed record Generated(byte[] Content, IReadOnlyList<string> Expects, TimeSpan Timeout);

    static Generated Text(string content, params string[] expects) => new(Encoding.UTF8.GetBytes(content), expects, DefaultTimeout);

    /// <summary>1-based number of the first line of <paramref name="text"/> that contains <paramref name="marker"/>.</summary>
    static int LineOf(string text, string marker)
    {
        int at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"generator bug: '{marker}' not in its text");
        return text[..at].Count(c => c == '\n') + 1;
    }

    static string Replace(string text, string old, string replacement)
    {
        Assert.Contains(old, text);
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }

    /// <summary>
    /// "Billion laughs": a0 is a list of 10 scalars, each a(i) a list of 10 aliases of a(i−1), so a9 stands for 10^10
    /// scalars in a few hundred bytes. The anchors are defined inside description's value (a flow list).
    /// </summary>
    static string AliasBomb(int levels)
    {
        var parts = new List<string> { "&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]" };
        for (int i = 1; i < levels; i++)
            parts.Add($"&a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        return $"description: [{string.Join(", ", parts)}]\n";
    }

    static readonly Dictionary<string, Func<Generated>> Generators = new()
    {
        ["sae-name-300-chars"] = () =>
            // A name the pattern allows but no file system takes as a folder name (255 bytes at most).
            Text(Replace(MicroConfig, "  - name: a\n", $"  - name: a{new string('x', 299)}\n"), "saes*.name"),
        ["experiment-name-300-chars"] = () =>
            Text(Replace(MicroConfig, "name: micro\n", $"name: m{new string('x', 299)}\n"), "name"),
        ["dataset-name-300-chars"] = () =>
        {
            string name = "d" + new string('x', 299);
            return Text(Replace(LanguageModelConfig, "sae_defaults:", $"datasets:\n  {name}:\n    kind: text\nsae_defaults:")
                            .Replace("  n_heldout_tokens: 1024\n", $"  n_heldout_tokens: 1024\n  corpus: {name}\n"), "datasets*");
        },
        ["alias-bomb-as-key"] = () =>
        {
            // The bomb is a mapping key: building the key table hashes all 10^10 leaves unless aliases are limited.
            string text = Replace(MicroConfig, "seed: 3\n", "seed: 3\n" + AliasBomb(10)) + "*a9 : 1\n";
            return new(Encoding.UTF8.GetBytes(text),
                [$"(line {LineOf(text, "description:")}-{LineOf(text, "*a9 : 1")})"], TimeSpan.FromSeconds(15));
        },
        ["alias-bomb-as-value"] = () =>
        {
            // Refused by the alias limit at the bomb, before binding would find seed's type wrong.
            string text = Replace(MicroConfig, "seed: 3\n", AliasBomb(10) + "seed: *a9\n");
            return new(Encoding.UTF8.GetBytes(text), [$"(line {LineOf(text, "description:")}-{LineOf(text, "seed: *a9")})"], TimeSpan.FromSeconds(15));
        },
        ["nested-brackets-100k"] = () =>
            // A parser that recurses per level overflows the stack (exit 134) long before it finds the missing ']'.
            Text(Replace(MicroConfig, "seed: 3\n", "seed: " + new string('[', 100_000) + "\n"), "(line 2)"),
        ["nested-flow-mappings-100k"] = () =>
            Text(Replace(MicroConfig, "seed: 3\n", "seed: " + string.Concat(Enumerable.Repeat("{a: ", 100_000)) + "1\n"), "(line 2)"),
        ["file-over-4-mib"] = () =>
            // A valid config and a giant comment: a pipeline file has no business being this large.
            Text(MicroConfig + "# " + new string('x', 4 * 1024 * 1024 + 100) + "\n", "(file)"),
        ["empty-file-zero-bytes"] = () => Text("", "(line)"),
        ["invalid-utf8-in-name"] = () =>
        {
            byte[] head = Encoding.UTF8.GetBytes("name: mi"), tail = Encoding.UTF8.GetBytes(MicroConfig["name: micro".Length..]);
            // Refused as an invalid name (the bytes read as U+FFFD) or as a file that is not UTF-8, at line 1 either way.
            return new([.. head, 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("cro"), .. tail], ["name | (line 1)"], DefaultTimeout);
        },
        ["control-character-in-value"] = () =>
            // A BEL character (U+0007) in a name: refused at its line, as invalid YAML or as an invalid name.
            Text(Replace(MicroConfig, "  - name: b\n", "  - name: b\u0007c\n"), $"(line {LineOf(MicroConfig, "  - name: b")})"),
    };

    // ---------------------------------------------------------------- expectations and error lines

    static List<Expectation> ExpectationsOf(string text) =>
        Regex.Matches(text, @"^# expect: (.+?)\s*$", RegexOptions.Multiline).Select(m => Expectation.Parse(m.Groups[1].Value)).ToList();

    /// <summary>What one <c># expect:</c> line asks of the error lines.</summary>
    sealed record Expectation(string Text, Func<ErrorLine, bool> Matches)
    {
        public static Expectation Parse(string text)
        {
            if (text.Contains(" | ", StringComparison.Ordinal))
            {
                // Alternatives: either form of refusal will do (e.g. "name | (line 1)").
                var alternatives = text.Split(" | ").Select(Parse).ToList();
                return new(text, e => alternatives.Any(a => a.Matches(e)));
            }
            if (text == "(file)") return new(text, _ => true);
            if (Regex.Match(text, @"^\(line(?: (\d+)(?:-(\d+))?)?\)$") is { Success: true } m)
            {
                int from = m.Groups[1].Success ? int.Parse(m.Groups[1].Value) : 1;
                int to = m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : m.Groups[1].Success ? from : int.MaxValue;
                return new(text, e => e.Line >= from && e.Line <= to);
            }
            // A key path; '*' matches any characters (saes*.name: saes[0].name or saes.<name>.name).
            var glob = new Regex("^" + Regex.Escape(text).Replace(@"\*", ".*") + "$");
            return new(text, e => e.Line > 0 && e.Key is { } key && glob.IsMatch(key));
        }
    }

    /// <summary>One MSBuild canonical error line: <c>file(line,col): error SAE1xxx: [key.path: ]message</c>.</summary>
    sealed record ErrorLine(string File, int Line, int Column, string Code, string? Key, string Message)
    {
        static readonly Regex Pattern = new(@"^(?<file>.+?)(?:\((?<line>\d+),(?<col>\d+)\))?: error (?<code>SAE1\d{3}): (?<rest>.*)$");
        static readonly Regex KeyPrefix = new(@"^(?<key>[^\s:]+): (?<message>.*)$");

        public static List<ErrorLine> All(string output) =>
            output.Split('\n').Select(l => Pattern.Match(l.TrimEnd('\r'))).Where(m => m.Success)
                .Select(m =>
                {
                    var k = KeyPrefix.Match(m.Groups["rest"].Value);
                    return new ErrorLine(m.Groups["file"].Value,
                        m.Groups["line"].Success ? int.Parse(m.Groups["line"].Value) : 0,
                        m.Groups["col"].Success ? int.Parse(m.Groups["col"].Value) : 0,
                        m.Groups["code"].Value, k.Success ? k.Groups["key"].Value : null,
                        k.Success ? k.Groups["message"].Value : m.Groups["rest"].Value);
                })
                .Where(e => e.File.EndsWith("pipeline.yaml", StringComparison.Ordinal))
                .ToList();
    }

    // ---------------------------------------------------------------- running a case

    /// <summary>Runs one case and reports every check it fails at once (an accepted file usually also wrote artifacts).</summary>
    void RunAndCheck(string name, byte[] content, IReadOnlyList<Expectation> expects, TimeSpan timeout)
    {
        var run = Run(content, timeout);
        var problems = new List<string>();

        // 1. refused as a user error, in time
        if (run.TimedOut) problems.Add($"not refused within {timeout.TotalSeconds} s (killed)");
        else if (run.ExitCode == 0) problems.Add("accepted (exit code 0)");
        else if (run.ExitCode == 2) problems.Add("exit code 2: an internal error (a bug)");
        else if (run.ExitCode != 1) problems.Add($"exit code {run.ExitCode}: a crash, not a user error (1)");

        // 3. no trace of a bug
        var trace = run.Output.Split('\n').FirstOrDefault(l => Regex.IsMatch(l, @"^\s+at \S+\(") || l.Contains("SAE9999") ||
            l.Contains("internal error", StringComparison.OrdinalIgnoreCase) || Regex.IsMatch(l, @"\b\w*Exception\b") ||
            l.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase));
        if (trace is not null) problems.Add($"the output shows a bug: '{Shorten(trace.Trim(), 200)}'");

        // 2. the file and the key (or the line) named in MSBuild's canonical form
        var errors = ErrorLine.All(run.Output);
        if (errors.Count == 0) problems.Add("no 'pipeline.yaml(line,col): error SAE1xxx: key.path: message' line");
        else
            foreach (var expect in expects.Where(e => !errors.Any(e.Matches)))
                problems.Add($"no error matching '{expect.Text}' (got {string.Join(" | ", errors.Select(e => $"({e.Line},{e.Column}) {e.Key ?? "no key"}"))})");

        // 4. nothing written beside the pipeline file, and the file itself untouched
        if (Diff(run.OutsideBefore, run.OutsideAfter) is { Count: > 0 } outside)
            problems.Add($"files changed outside the artifacts root: {List(outside)}");

        // 5. the artifacts root as the valid plan left it
        if (Diff(run.ArtifactsBefore, run.ArtifactsAfter) is { Count: > 0 } changed)
            problems.Add($"the artifacts root changed: {List(changed)}");

        if (problems.Count > 0)
            Assert.Fail($"case {name}: {string.Join("; ", problems)}\n" +
                        $"exit code {run.ExitCode} after {run.Elapsed.TotalSeconds:F1} s; output:\n{Shorten(run.Output, 3000)}");
    }

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + $" … ({text.Length} characters in all)";

    static string List(List<string> items) => string.Join(", ", items.Take(8).Select(i => Shorten(i, 160))) + (items.Count > 8 ? $" and {items.Count - 8} more" : "");

    sealed record RunResult(int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output,
        Dictionary<string, string> OutsideBefore, Dictionary<string, string> OutsideAfter,
        Dictionary<string, string> ArtifactsBefore, Dictionary<string, string> ArtifactsAfter);

    /// <summary>
    /// Layout: <c>&lt;temp&gt;/work/pipeline.yaml</c> (the process's cwd) and <c>&lt;temp&gt;/work/artifacts/</c>, the artifacts
    /// root, holding the valid plan's specs. The notes file goes inside the artifacts root, so any file that appears
    /// anywhere under &lt;temp&gt; outside it (beside the pipeline file, or one level up) is caught.
    /// </summary>
    RunResult Run(byte[] content, TimeSpan timeout)
    {
        using var dir = new TempDir();
        string work = Path.Combine(dir.Path, "work"), artifacts = Path.Combine(work, "artifacts");
        Directory.CreateDirectory(work);
        File.WriteAllBytes(Path.Combine(work, "pipeline.yaml"), content);
        CopyTree(validPlan.Artifacts, artifacts);

        var outsideBefore = Snapshot(dir.Path, exclude: artifacts);
        var artifactsBefore = Snapshot(artifacts, exclude: null);
        Assert.Contains(".plan/plan.json", artifactsBefore.Keys);

        var (code, timedOut, elapsed, output) = Stages(work, timeout,
            "plan", "--pipeline", "pipeline.yaml", "--artifacts", artifacts, "--notes", Path.Combine(artifacts, "notes.txt"));
        return new RunResult(code, timedOut, elapsed, output,
            outsideBefore, Snapshot(dir.Path, exclude: artifacts), artifactsBefore, Snapshot(artifacts, exclude: null));
    }

    static string StagesDll =>
        File.Exists(Path.Combine(AppContext.BaseDirectory, "stages.dll"))
            ? Path.Combine(AppContext.BaseDirectory, "stages.dll")
            : typeof(Commands).Assembly.Location;

    /// <summary>Runs the stage program with both streams read as they come (no pipe fills up); kills it at the timeout.</summary>
    internal static (int Code, bool TimedOut, TimeSpan Elapsed, string Output) Stages(string cwd, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(StagesDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";   // a crash must not leave a dump anywhere

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        process.WaitForExit();   // drains the asynchronous readers
        clock.Stop();
        lock (output) return (process.ExitCode, !exited, clock.Elapsed, output.ToString());
    }

    // ---------------------------------------------------------------- listings

    /// <summary>Every file and folder under <paramref name="root"/> (but not under <paramref name="exclude"/>): relative path → size and sha256.</summary>
    static Dictionary<string, string> Snapshot(string root, string? exclude)
    {
        var listing = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(root)) return listing;
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            string folder = pending.Pop();
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (exclude is not null && entry.FullName == exclude) continue;
                string relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
                if (entry.LinkTarget is { } target) listing[relative] = $"link → {target}";
                else if (entry is DirectoryInfo d)
                {
                    listing[relative + "/"] = "folder";
                    pending.Push(d.FullName);
                }
                else
                {
                    using var stream = File.OpenRead(entry.FullName);
                    listing[relative] = $"{stream.Length} bytes, sha256 {Convert.ToHexString(SHA256.HashData(stream))}";
                }
            }
        }
        return listing;
    }

    static List<string> Diff(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(k => (k, b: before.GetValueOrDefault(k), a: after.GetValueOrDefault(k)))
            .Where(x => x.b != x.a)
            .Select(x => x.b is null ? $"+{x.k}" : x.a is null ? $"-{x.k}" : $"~{x.k} ({x.b} → {x.a})")
            .ToList();

    static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var folder in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>
    /// The artifacts root a valid plan leaves: <c>stages plan</c> run once on <see cref="MicroConfig"/>; each case
    /// starts from a copy of it.
    /// </summary>
    public sealed class ValidPlan : IDisposable
    {
        readonly TempDir dir = new();

        public ValidPlan()
        {
            string work = Path.Combine(dir.Path, "valid");
            Directory.CreateDirectory(work);
            File.WriteAllText(Path.Combine(work, "pipeline.yaml"), MicroConfig);
            Artifacts = Path.Combine(dir.Path, "artifacts");
            var (code, timedOut, _, output) = Stages(work, DefaultTimeout,
                "plan", "--pipeline", "pipeline.yaml", "--artifacts", Artifacts, "--notes", Path.Combine(Artifacts, "notes.txt"));
            if (timedOut || code != 0 || !File.Exists(Path.Combine(Artifacts, ".plan", "plan.json")))
                throw new InvalidOperationException($"the valid micro config did not plan (exit code {code}, timed out: {timedOut}):\n{output}");
            if (Directory.GetFiles(Artifacts, "*.json", SearchOption.AllDirectories).Length < 2)
                throw new InvalidOperationException($"the valid plan wrote no spec files:\n{output}");
        }

        public string Artifacts { get; }

        public void Dispose() => dir.Dispose();
    }
}
