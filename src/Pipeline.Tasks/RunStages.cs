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
/// The same scheduling serves <c>-p:Executor=slurm</c>, where each item is a batch job (<see cref="SlurmJobs"/>), and
/// <c>-p:Cache</c>, where an item's process may fetch its result instead of computing it ("from cache").
/// </summary>
public sealed class RunStages : Microsoft.Build.Utilities.Task, ICancelableTask
{
    [Required] public string StageProgram { get; set; } = "";

    /// <summary>The items to run or skip (metadata Stage, Verb, Name, Id, Spec, OutputDir, Manifest, Inputs).</summary>
    [Required] public ITaskItem[] Items { get; set; } = [];

    [Required] public string Artifacts { get; set; } = "";

    [Required] public int Jobs { get; set; } = 1;

    /// <summary>
    /// -p:Devices="0 1": the CUDA devices to hand out, one per running item. Spaces separate them on the command line:
    /// MSBuild takes ',' and ';' in a -p: value as the start of another property (-p:Devices=0,1 is error MSB1006).
    /// </summary>
    public string Devices { get; set; } = "";

    /// <summary>-p:Cache: the shared result cache (a folder or s3://bucket/prefix), or "" for none.</summary>
    public string Cache { get; set; } = "";

    /// <summary>-p:Executor: local (child processes here) or slurm (one batch job per item, <see cref="SlurmJobs"/>).</summary>
    public string Executor { get; set; } = "local";

    /// <summary>Stages whose runs are not appended to ran.log (the report, which consumes it).</summary>
    public string[] NotRecorded { get; set; } = [];

    [Output] public ITaskItem[] Ran { get; private set; } = [];

    /// <summary>The items whose results were fetched from the cache instead of computed.</summary>
    [Output] public ITaskItem[] FromCache { get; private set; } = [];

    readonly ConcurrentDictionary<ItemProcess, byte> running = new();
    SlurmJobs? slurm;
    volatile bool cancelled;

    public void Cancel()
    {
        cancelled = true;
        foreach (var p in running.Keys) p.Kill();
        slurm?.CancelAll();
    }

    sealed record Event(PlanEntry Item, string? Line, bool IsError, int? ExitCode, double Seconds, string? Device, string? Failure = null);

    public override bool Execute()
    {
        if (Executor is not ("local" or "slurm"))
        {
            Log.LogError(null, "SAE1006", null, "-p:Executor", 0, 0, 0, 0, $"-p:Executor must be local or slurm, got '{Executor}'");
            return false;
        }
        if (Executor == "slurm") slurm = new SlurmJobs(StageProgram, Artifacts, Cache);
        var entries = Items.Select(ToEntry).ToList();
        var schedule = new ItemSchedule(entries);
        var freeDevices = new Queue<string>(Devices.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        int slots = freeDevices.Count > 0 ? Math.Min(Jobs, freeDevices.Count) : Jobs;
        var events = new BlockingCollection<Event>();
        var ran = new List<ITaskItem>();
        var fetched = new List<ITaskItem>();
        var cached = new HashSet<PlanEntry>();
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
                else if (StageProcess.IsFromCacheLine(e.Item.Stage, e.Item.Id, e.Line!))
                {
                    cached.Add(e.Item);
                    Log.LogMessage(MessageImportance.High, e.Line!);
                }
                else Log.LogMessage(MessageImportance.High, StageProcess.Label(e.Item.Stage, e.Item.Name, e.Line!));
                continue;
            }
            active--;
            if (e.Device is not null) freeDevices.Enqueue(e.Device);
            bool success = e.ExitCode == 0 && !cancelled;
            schedule.Finish(e.Item, success);
            if (success && cached.Contains(e.Item)) fetched.Add(new TaskItem($"{e.Item.Stage}/{e.Item.Id}"));
            else if (success)
            {
                Log.LogMessage(MessageImportance.High, StageProcess.RanLine(e.Item.Stage, e.Item.Id, e.Seconds));
                if (!NotRecorded.Contains(e.Item.Stage)) StageProcess.RecordRan(Artifacts, e.Item.Stage, e.Item.Id, e.Seconds);
                ran.Add(new TaskItem($"{e.Item.Stage}/{e.Item.Id}"));
            }
            else
            {
                Log.LogError($"stage {e.Item.Stage} {e.Item.Id}: failed after {e.Seconds:F1} s ({e.Failure ?? $"exit code {e.ExitCode}"}); its result was not kept");
                ok = false;   // like a serial build: start nothing new, let what runs finish
            }
        }
        foreach (var blocked in schedule.Blocked)
            Log.LogMessage(MessageImportance.High, $"stage {blocked.Stage} {blocked.Id}: not run, an item it reads failed");
        Ran = [.. ran];
        FromCache = [.. fetched];
        if (cancelled) Log.LogError("the build was cancelled; the items that were running were stopped and none of them was kept");
        return ok && !cancelled && !Log.HasLoggedErrors;
    }

    void Launch(PlanEntry item, string? device, BlockingCollection<Event> events)
    {
        var clock = Stopwatch.StartNew();
        void Line(string line) => events.Add(new Event(item, line, StagesTool.IsCanonical(line), null, 0, null));
        if (slurm is not null)
        {
            slurm.Start(item, Line, (code, why) => events.Add(new Event(item, null, false, code, clock.Elapsed.TotalSeconds, device, why)));
            return;
        }
        ItemProcess? process = null;
        process = ItemProcess.Start(StageProgram, item, Cache.Length > 0 ? ["--cache", Cache] : [], device, Line, code =>
        {
            if (process is not null) running.TryRemove(process, out _);
            events.Add(new Event(item, null, false, code, clock.Elapsed.TotalSeconds, device));
        });
        running[process] = 0;
        Log.LogMessage(MessageImportance.Normal, $"stage {item.Stage} {item.Id}: started{(device is null ? "" : $" on CUDA device {device}")}");
    }

    static PlanEntry ToEntry(ITaskItem i) => new(i.GetMetadata("Stage"), i.GetMetadata("Verb"), i.GetMetadata("Name"), i.GetMetadata("Id"),
        i.GetMetadata("Spec"), i.GetMetadata("OutputDir"), i.GetMetadata("Manifest"),
        i.GetMetadata("Inputs").Split(';', StringSplitOptions.RemoveEmptyEntries),
        i.GetMetadata("Sbatch").Split('\t', StringSplitOptions.RemoveEmptyEntries));
}
