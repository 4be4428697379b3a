using System.Diagnostics;
using SaePipeline.Contracts;

namespace SaePipeline.Tasks;

/// <summary>
/// One stage item's process on this machine (<c>dotnet stages.dll &lt;verb&gt; &lt;spec&gt; [--cache …]</c>), its output
/// streamed line by line, its end reported once both streams have closed and the process has exited, in whatever
/// order those come.
/// </summary>
sealed class ItemProcess
{
    readonly Process process;

    ItemProcess(Process process) => this.process = process;

    /// <param name="line">Each output line (stdout and stderr), as it comes.</param>
    /// <param name="exited">The exit code, after the last line.</param>
    public static ItemProcess Start(string stageProgram, PlanEntry item, IEnumerable<string> extraArguments, string? device,
                                    Action<string> line, Action<int> exited)
    {
        var start = new ProcessStartInfo(StagesTool.DotnetHost(), [stageProgram, item.Verb, item.Spec, .. extraArguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null) start.Environment["GLIBC_TUNABLES"] = StageProcess.GlibcTunables;
        // Items running side by side share the cores, each with the threads a serial build gives it (RunStages).
        // libtorch's OpenMP threads spin while they wait for work by default, which with more threads than cores burns
        // the other item's time (an 8-SAE sweep at Jobs=2 on 2 cores took 2.2× as long as Jobs=1); passive waiting
        // yields instead. How threads wait changes no result.
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null) start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        if (device is not null) start.Environment["CUDA_VISIBLE_DEVICES"] = device;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        int open = 3;
        void Closed()
        {
            if (Interlocked.Decrement(ref open) != 0) return;
            int code = process.ExitCode;
            process.Dispose();
            exited(code);
        }
        void Line(string? text)
        {
            if (text is null) Closed();
            else line(text);
        }
        process.OutputDataReceived += (_, a) => Line(a.Data);
        process.ErrorDataReceived += (_, a) => Line(a.Data);
        process.Exited += (_, _) => Closed();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ItemProcess(process);
    }

    /// <summary>Runs to the end and returns the exit code.</summary>
    public static int Run(string stageProgram, PlanEntry item, IEnumerable<string> extraArguments, Action<string> line)
    {
        using var done = new ManualResetEventSlim();
        int code = -1;
        Start(stageProgram, item, extraArguments, null, line, c => { code = c; done.Set(); });
        done.Wait();
        return code;
    }

    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }
}
