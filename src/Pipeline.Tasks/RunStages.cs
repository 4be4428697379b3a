using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SaePipeline.Contracts;

namespace SaePipeline.Tasks;

/// <summary>
/// <c>-p:Jobs=N</c>: runs the out-of-date items of a set of stages, up to N at a time, each as its own stage process,
/// as soon as the items it reads are done (<see cref="ItemSchedule"/>): items of one stage run side by side, and an
/// evaluation starts while other SAEs still train. Each item's lines keep their item's label, and each ends with the
/// same "ran in" / "up to date" line a serial build prints. With <see cref="Devices"/> each running item holds one
/// GPU (CUDA_VISIBLE_DEVICES), so at most that many run at once. Items compute independently of each other, and each
/// keeps the threads a serial build gives it, so results equal a serial build's byte for byte (a test compares them).
/// Splitting the cores between the jobs would be faster, but libtorch's CPU kernels do not give the same bits at
/// every thread count: a TopK, BatchTopK or JumpReLU SAE at d_in 256, d_sae 2048 trained at 1 and at 2 threads has a
/// different W_enc after 6 steps (measured while writing this; ReLU happened to agree).
/// </summary>
public sealed class RunStages : Microsoft.Build.Utilities.Task, ICancelableTask
{
    [Required] public string StageProgram { get; set; } = "";

    /// <summary>The items to run or skip (metadata Stage, Verb, Name, Id, Spec, OutputDir, Manifest, Inputs).</summary>
    [Required] public ITaskItem[] Items { get; set; } = [];

    [Required] public string Artifacts { get; set; } = "";

    [Required] public int Jobs { get; set; } = 1;

    /// <summary>-p:Devices=0,1: the CUDA devices to hand out, one per running item.</summary>
    public string Devices { get; set; } = "";

    /// <summary>Stages whose runs are not appended to ran.log (the report, which consumes it).</summary>
    public string[] NotRecorded { get; set; } = [];

    [Output] public ITaskItem[] Ran { get; private set; } = [];

    readonly ConcurrentDictionary<Process, byte> running = new();
    volatile bool cancelled;

    public void Cancel()
    {
        cancelled = true;
        foreach (var p in running.Keys)
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    sealed record Event(PlanEntry Item, string? Line, bool IsError, int? ExitCode, double Seconds, string? Device);

    public override bool Execute()
    {
        var entries = Items.Select(ToEntry).ToList();
        var schedule = new ItemSchedule(entries);
        var freeDevices = new Queue<string>(Devices.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        int slots = freeDevices.Count > 0 ? Math.Min(Jobs, freeDevices.Count) : Jobs;
        var events = new BlockingCollection<Event>();
        var ran = new List<ITaskItem>();
        bool ok = true;
        int active = 0;

        while (!schedule.Done && !cancelled)
        {
            // Start whatever is ready while there are slots; skip what is up to date (that may free more at once).
            bool progressed = true;
            while (progressed && ok && !cancelled)
            {
                progressed = false;
                foreach (var item in schedule.Ready().ToList())
                {
                    if (ItemSchedule.UpToDate(item))
                    {
                        schedule.Start(item);
                        schedule.Finish(item, ok: true);
                        Log.LogMessage(MessageImportance.High, StageProcess.UpToDateLine(item.Stage, item.Id));
                        progressed = true;
                        continue;
                    }
                    if (active >= slots) break;
                    schedule.Start(item);
                    string? device = freeDevices.Count > 0 ? freeDevices.Dequeue() : null;
                    Launch(item, device, events);
                    active++;
                    progressed = true;
                }
            }
            if (active == 0) break;   // nothing running and nothing could start: done, failed or cancelled

            var e = events.Take();
            if (e.ExitCode is null)
            {
                if (e.IsError) Log.LogMessageFromText(e.Line!, MessageImportance.High);
                else Log.LogMessage(MessageImportance.High, StageProcess.Label(e.Item.Stage, e.Item.Name, e.Line!));
                continue;
            }
            active--;
            if (e.Device is not null) freeDevices.Enqueue(e.Device);
            bool success = e.ExitCode == 0 && !cancelled;
            schedule.Finish(e.Item, success);
            if (success)
            {
                Log.LogMessage(MessageImportance.High, StageProcess.RanLine(e.Item.Stage, e.Item.Id, e.Seconds));
                if (!NotRecorded.Contains(e.Item.Stage)) StageProcess.RecordRan(Artifacts, e.Item.Stage, e.Item.Id, e.Seconds);
                ran.Add(new TaskItem($"{e.Item.Stage}/{e.Item.Id}"));
            }
            else
            {
                Log.LogError($"stage {e.Item.Stage} {e.Item.Id}: failed after {e.Seconds:F1} s (exit code {e.ExitCode}); its result was not kept");
                ok = false;   // like a serial build: start nothing new, let what runs finish
            }
        }
        foreach (var blocked in schedule.Blocked)
            Log.LogMessage(MessageImportance.High, $"stage {blocked.Stage} {blocked.Id}: not run, an item it reads failed");
        Ran = [.. ran];
        if (cancelled) Log.LogError("the build was cancelled; the items that were running were stopped and none of them was kept");
        return ok && !cancelled && !Log.HasLoggedErrors;
    }

    void Launch(PlanEntry item, string? device, BlockingCollection<Event> events)
    {
        var start = new ProcessStartInfo(StagesTool.DotnetHost(), [StageProgram, item.Verb, item.Spec])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null) start.Environment["GLIBC_TUNABLES"] = StageProcess.GlibcTunables;
        // Two items share the cores, each with the threads a serial build gives it (see above). libtorch's OpenMP
        // threads spin while they wait for work by default, which with more threads than cores burns the other item's
        // time (an 8-SAE sweep at Jobs=2 on 2 cores took 2.2× as long as Jobs=1); passive waiting yields instead.
        // How threads wait changes no result.
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null) start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        if (device is not null) start.Environment["CUDA_VISIBLE_DEVICES"] = device;
        var clock = Stopwatch.StartNew();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        // The item is over when the process has exited and both its streams have ended, in whatever order they come.
        int open = 3;
        void Closed()
        {
            if (Interlocked.Decrement(ref open) != 0) return;
            running.TryRemove(process, out _);
            events.Add(new Event(item, null, false, process.ExitCode, clock.Elapsed.TotalSeconds, device));
            process.Dispose();
        }
        void Line(string? line)
        {
            if (line is null) Closed();
            else events.Add(new Event(item, line, StagesTool.IsCanonical(line), null, 0, null));
        }
        process.OutputDataReceived += (_, a) => Line(a.Data);
        process.ErrorDataReceived += (_, a) => Line(a.Data);
        process.Exited += (_, _) => Closed();
        process.Start();
        running[process] = 0;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.LogMessage(MessageImportance.Normal, $"stage {item.Stage} {item.Id}: started{(device is null ? "" : $" on CUDA device {device}")}");
    }

    static PlanEntry ToEntry(ITaskItem i) => new(i.GetMetadata("Stage"), i.GetMetadata("Verb"), i.GetMetadata("Name"), i.GetMetadata("Id"),
        i.GetMetadata("Spec"), i.GetMetadata("OutputDir"), i.GetMetadata("Manifest"),
        i.GetMetadata("Inputs").Split(';', StringSplitOptions.RemoveEmptyEntries));
}
