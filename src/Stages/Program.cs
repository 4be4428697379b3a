using SaePipeline;
using SaePipeline.Config;
using SaePipeline.Runtime;

// The stage program. The MSBuild targets (build/Pipeline.targets) run one stage item per process:
//   stages <stage-command> <spec.json>
// and use the planning commands; people can run any of them directly too:
//   stages plan|status|dag|prune --pipeline pipeline.yaml [--artifacts dir] [--set key=value]...
//   stages bench [--shape large] [--architecture topk,batch_topk] [--dtype float32]
// Exit codes: 0 success, 1 a problem the user can fix (printed as an MSBuild-style error line), 2 a bug.
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.WriteLine(Commands.Usage);
        return args.Length == 0 ? 1 : 0;
    }
    if (Allocator.ShouldRelaunch(args[0])) return Allocator.Relaunch(args);
    return Commands.Run(args[0], args[1..]);
}
catch (ConfigException e)
{
    foreach (var error in e.Errors) Console.Error.WriteLine(error);
    return 1;
}
catch (PipelineException e)
{
    Console.Error.WriteLine($"{e.Origin ?? "stages"}: error {e.Code}: {e.Message}");
    return 1;
}
catch (Exception e) when (DiskFull.Find(e) is { } full)
{
    // Out of disk space is the user's to fix: say where and how much, without a trace.
    // Where it was writing when no item folder was open: a planning command's artifacts root, a stage's spec folder.
    int artifacts = Array.IndexOf(args, "--artifacts");
    string fallback = artifacts >= 0 && artifacts + 1 < args.Length ? Path.GetFullPath(args[artifacts + 1])
        : args.Length > 1 && File.Exists(args[1]) ? Path.GetDirectoryName(Path.GetFullPath(args[1]))! : Environment.CurrentDirectory;
    var explained = DiskFull.Explain(full, fallback);
    Console.Error.WriteLine($"{explained.Origin}: error {explained.Code}: {explained.Message}");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"stages: error SAE9999: internal error (a bug; please report it with this trace): {e}");
    return 2;
}
