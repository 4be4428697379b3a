using System.Diagnostics;

namespace SaePipeline.Runtime;

/// <summary>
/// glibc's malloc returns the large (B×d_sae) tensors of every SAE step to the kernel and faults them in again on the
/// next step, costing up to 2× on training . Its tunables are read once at process start, so the
/// build sets them in each stage's environment (RunStage), and `bench` relaunches itself with them once. Stage
/// commands are not relaunched: a killed parent would leave a child that still commits its result.
/// </summary>
public static class Allocator
{
    /// <summary>Keep freed memory in the heap instead of unmapping it (thresholds are glibc's maxima on 64-bit).</summary>
    public const string GlibcTunables = Contracts.StageProcess.GlibcTunables;

    const string Marker = "SAE_PIPELINE_ALLOCATOR_SET";

    public static bool ShouldRelaunch(string command) =>
        OperatingSystem.IsLinux() && command == "bench" &&
        Environment.GetEnvironmentVariable(Marker) is null && Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is null;

    public static int Relaunch(string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GLIBC_TUNABLES"] = GlibcTunables;
        start.Environment[Marker] = "1";
        using var child = Process.Start(start)!;
        Console.CancelKeyPress += (_, e) => e.Cancel = true;   // the child gets the same SIGINT and decides
        child.WaitForExit();
        return child.ExitCode;
    }
}
