using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using SaePipeline.Contracts;

namespace SaePipeline.Tasks;

/// <summary>
/// <c>-p:Executor=slurm</c>: each runnable stage item becomes one Slurm batch job (<c>sbatch</c>, with the resources
/// pipeline.yaml's <c>slurm:</c> gives its stage), which runs the same stage program on a compute node against the same
/// artifacts root, so the root must be on a filesystem the nodes share. The build follows each job: its log
/// (<c>.build/slurm/&lt;Stage&gt;/&lt;id&gt;.log</c>) is streamed into the build output as it grows, and its end is read
/// from the exit code the job script leaves beside the log, or, for a job that never got that far (cancelled, past its
/// time limit, its node lost), from <c>scontrol</c> / <c>sacct</c>. With a cache, an item is looked up on this machine
/// first, so a cached result costs no job.
/// </summary>
sealed partial class SlurmJobs(string stageProgram, string artifacts, string cache)
{
    readonly ConcurrentDictionary<string, byte> queued = new();
    volatile bool cancelled;

    /// <summary>How often the log is read and, every few reads, the job's state asked.</summary>
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500), StatePoll = TimeSpan.FromSeconds(3);

    /// <summary>Runs the item's job on its own thread; <paramref name="ended"/> gets the exit code and, on failure, why.</summary>
    public void Start(PlanEntry item, Action<string> line, Action<int, string?> ended)
    {
        var thread = new Thread(() =>
        {
            (int Code, string? Why) result;
            try
            {
                result = Run(item, line);
            }
            catch (Exception e)
            {
                result = (1, $"the Slurm executor failed: {e.Message}");
            }
            ended(result.Code, result.Why);
        }) { IsBackground = true, Name = $"slurm {item.Stage} {item.Id}" };
        thread.Start();
    }

    /// <summary>Cancels every job still queued or running (the build was cancelled).</summary>
    public void CancelAll()
    {
        cancelled = true;
        if (!queued.IsEmpty) Command("scancel", [.. queued.Keys]);
    }

    (int, string?) Run(PlanEntry item, Action<string> line)
    {
        if (cache.Length > 0)
        {
            int code = ItemProcess.Run(stageProgram, item, ["--cache", cache, "--cache-only"], line);
            if (code == 0) return (0, null);
            if (code != StageProcess.NotInCacheExitCode) return (code, $"looking it up in the cache {cache} failed");
        }
        string folder = Path.Combine(artifacts, ".build", "slurm", item.Stage);
        Directory.CreateDirectory(folder);
        string script = Path.Combine(folder, $"{item.Id}.sh"), log = Path.Combine(folder, $"{item.Id}.log"), exitFile = log + ".exit";
        File.Delete(log);
        File.Delete(exitFile);
        File.WriteAllText(script, Script(item, exitFile));
        var (status, output) = Command("sbatch",
            ["--parsable", $"--job-name={item.Stage}-{item.Name}", $"--output={log}", $"--chdir={artifacts}", .. item.Sbatch ?? [], script]);
        string jobId = output.Trim().Split(';')[0];
        if (status != 0 || !JobId().IsMatch(jobId))
            return (1, $"sbatch refused the job (exit code {status}): {OneLine(output)}");
        queued[jobId] = 0;
        try
        {
            string resources = item.Sbatch is { Count: > 0 } r ? string.Join(" ", r) : "the cluster's default resources";
            line($"Slurm job {jobId} submitted ({resources}); log {log}");
            return Follow(jobId, log, exitFile, line);
        }
        finally
        {
            queued.TryRemove(jobId, out _);
        }
    }

    /// <summary>The job script: the item's stage program, then its exit code written atomically beside the log.</summary>
    string Script(PlanEntry item, string exitFile)
    {
        var command = new List<string> { StagesTool.DotnetHost(), stageProgram, item.Verb, item.Spec };
        if (cache.Length > 0) command.AddRange(["--cache", cache]);
        return new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append($"# stage {item.Stage} {item.Id}, submitted by `dotnet build -p:Executor=slurm`\n")
            .Append($"export GLIBC_TUNABLES=\"${{GLIBC_TUNABLES:-{StageProcess.GlibcTunables}}}\"\n")
            .Append(string.Join(" ", command.Select(Quote))).Append('\n')
            .Append("code=$?\n")
            .Append($"echo $code > {Quote(exitFile)}.tmp-$$ && mv {Quote(exitFile)}.tmp-$$ {Quote(exitFile)}\n")
            .Append("exit $code\n")
            .ToString();
    }

    (int, string?) Follow(string jobId, string log, string exitFile, Action<string> line)
    {
        var tail = new LogTail(log);
        var sinceState = Stopwatch.StartNew();
        Stopwatch? completedWithoutExit = null, unknown = null;
        while (true)
        {
            Thread.Sleep(Poll);
            tail.Read(line);
            if (File.Exists(exitFile))
            {
                Thread.Sleep(Poll);   // the job's last lines may land just after its exit code
                tail.Read(line, final: true);
                int code = int.TryParse(File.ReadAllText(exitFile).Trim(), out int c) ? c : 1;
                return code == 0 ? (0, null) : (code, Failure(jobId, $"failed with exit code {code}", tail));
            }
            if (cancelled) return (1, $"Slurm job {jobId} cancelled with the build");
            if (sinceState.Elapsed < StatePoll) continue;
            sinceState.Restart();
            string state = State(jobId);
            if (state == "UNKNOWN")
            {
                // Neither scontrol nor sacct knows the job (forgotten after MinJobAge, with no accounting): give its exit
                // code file time to appear, then fail rather than wait forever.
                unknown ??= Stopwatch.StartNew();
                if (unknown.Elapsed < TimeSpan.FromMinutes(5)) continue;
                return (1, Failure(jobId, "is no longer known to Slurm (scontrol, sacct) and left no exit code", tail));
            }
            unknown = null;
            if (state is "PENDING" or "CONFIGURING" or "RUNNING" or "COMPLETING" or "SUSPENDED" or "REQUEUED" or "RESIZING") continue;
            if (state == "COMPLETED")
            {
                // Finished, but its exit code is not visible yet: a shared filesystem may show it a little later.
                completedWithoutExit ??= Stopwatch.StartNew();
                if (completedWithoutExit.Elapsed < TimeSpan.FromSeconds(60)) continue;
                return (1, Failure(jobId, $"completed, but its exit code file {exitFile} never appeared (is the artifacts root on a filesystem the nodes share?)", tail));
            }
            tail.Read(line, final: true);
            return (1, Failure(jobId, $"ended {state}", tail));
        }
    }

    static string Failure(string jobId, string what, LogTail tail) =>
        $"Slurm job {jobId} {what}; the end of its log {tail.Path}:\n" + string.Join("\n", tail.Last.Select(l => "  " + l));

    /// <summary>The job's state: scontrol while Slurm remembers the job, then sacct (accounting), else UNKNOWN.</summary>
    static string State(string jobId)
    {
        var (code, output) = Command("scontrol", ["show", "job", "-o", jobId]);
        if (code == 0 && JobState().Match(output) is { Success: true } m) return m.Groups[1].Value;
        (code, output) = Command("sacct", ["-n", "-X", "-P", "-j", jobId, "-o", "State"]);
        string state = output.Trim().Split('\n')[0].Split(' ')[0];
        return code == 0 && state.Length > 0 ? state : "UNKNOWN";
    }

    /// <summary>Runs a Slurm command and returns its exit code and its output (stdout, then stderr).</summary>
    static (int Code, string Output) Command(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using var p = Process.Start(start)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(60_000))
            {
                p.Kill(entireProcessTree: true);
                return (124, $"{program} did not answer within 60 s");
            }
            return (p.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, $"cannot run {program} ({e.Message}); is Slurm installed on this machine?");
        }
    }

    static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    static string OneLine(string s) => string.Join(" ", s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex(@"\A[0-9]+(_[0-9]+)?\z")]
    private static partial Regex JobId();

    [GeneratedRegex(@"JobState=([A-Z_]+)")]
    private static partial Regex JobState();

    /// <summary>Follows a growing log file line by line, keeping its last lines for a failure's message.</summary>
    sealed class LogTail(string path)
    {
        long offset;
        string partial = "";
        readonly Queue<string> last = new();

        public string Path => path;
        public IEnumerable<string> Last => last;

        public void Read(Action<string> line, bool final = false)
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (stream.Length > offset)
                {
                    stream.Seek(offset, SeekOrigin.Begin);
                    var buffer = new byte[stream.Length - offset];
                    int n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                    offset += n;
                    var lines = (partial + Encoding.UTF8.GetString(buffer, 0, n)).Split('\n');
                    partial = lines[^1];
                    foreach (var l in lines[..^1]) Emit(l.TrimEnd('\r'), line);
                }
            }
            if (final && partial.Length > 0)
            {
                Emit(partial, line);
                partial = "";
            }
        }

        void Emit(string text, Action<string> line)
        {
            last.Enqueue(text);
            if (last.Count > 20) last.Dequeue();
            line(text);
        }
    }
}
