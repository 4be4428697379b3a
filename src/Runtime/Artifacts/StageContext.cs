using System.Text.Json.Nodes;
using SaePipeline.Runtime;

namespace SaePipeline.Artifacts;

/// <summary>
/// One stage item's run: its spec, its verified inputs and the atomic writer of its output folder.
/// Stages write only into <see cref="OutputDir"/> and finish with <see cref="Commit"/>.
/// </summary>
public sealed class StageContext : IDisposable
{
    readonly ArtifactWriter writer;
    readonly LoadWatch loads;

    StageContext(StageSpec spec, string root, ArtifactWriter writer, LoadWatch loads)
    {
        Spec = spec;
        Root = root;
        this.writer = writer;
        this.loads = loads;
    }

    public StageSpec Spec { get; }
    public string Root { get; }
    public string OutputDir => writer.Dir;
    public TimeSpan Elapsed => writer.Elapsed;

    /// <summary>Where the finished folder will be (for messages; write to <see cref="OutputDir"/>).</summary>
    public string FinalDir => Path.Combine(Root, Spec.Output);

    /// <summary>
    /// Opens a spec of <paramref name="stage"/>, whose entry point is in <paramref name="entryAssembly"/>, for running.
    /// The running program must be the code the spec was planned with: a result is filed under an id that names its
    /// code, so a stage rebuilt since the plan (a spec run by hand after an edit) would otherwise file new code's
    /// numbers under the old code's name.
    /// </summary>
    public static StageContext Open(string specPath, string stage, string entryAssembly)
    {
        var (spec, root) = StageSpec.Load(specPath);
        if (spec.Stage != stage)
            throw new PipelineException($"{specPath} is a {spec.Stage} spec, not {stage}", specPath);
        if (spec.Code.Sensitivity == CodeSensitivity.Stage && spec.Code.Entry != entryAssembly)
            throw new PipelineException($"{specPath} names the code of {spec.Code.Entry}, but {stage} runs in {entryAssembly}; run the build again", specPath);
        var program = ProgramCode.Current;
        var running = program.Of(spec.Code.Entry, spec.Code.Sensitivity);
        if (running.Fingerprint != spec.Code.Fingerprint)
            throw new PipelineException(
                $"{spec.Stage} {spec.Id} was planned with other code than this program's ({string.Join(", ", running.ChangesSince(spec.Code))} changed); " +
                "run the build again so the plan names this code", specPath);
        return new StageContext(spec, root, ArtifactWriter.Begin(Path.Combine(root, spec.Output)), LoadWatch.Start(program, spec.Code));
    }

    public T Params<T>() => Spec.ReadParams<T>();

    /// <summary>The spec's local settings (<see cref="StageSpec.Local"/>): paths of this clone, outside the fingerprint.</summary>
    public T Local<T>() => Spec.ReadLocal<T>();

    /// <summary>
    /// The folder of an upstream item, after checking that its manifest is valid, lists files of the right sizes (and
    /// hashes, for inputs small enough to hash quickly), and belongs to the fingerprint this spec was planned with.
    /// </summary>
    public (string Dir, Manifest Manifest) Input(InputRole role)
    {
        if (!Spec.Inputs.TryGetValue(role.Name, out var input))
            throw new PipelineException($"{Spec.Stage} {Spec.Id}: the spec has no input '{role}'", Spec.Id);
        string dir = Path.Combine(Root, input.Output);
        var manifest = Manifest.Load(dir, verifyHashesUpToBytes: VerifyHashesUpToBytes);
        if (manifest.Fingerprint != input.Fingerprint)
            throw new PipelineException($"{dir} was built from a different spec than {Spec.Id} expects; rerun the build", dir);
        return (dir, manifest);
    }

    /// <summary>Whether the plan wired this input (evaluations the pipeline does not ask for have no result to read).</summary>
    public bool Has(InputRole role) => Spec.Inputs.ContainsKey(role.Name);

    /// <summary>Inputs up to this size are hashed on every read (about a second per GB); larger ones get size checks.</summary>
    public const long VerifyHashesUpToBytes = 2_000_000_000;

    /// <summary>"&lt;Stage&gt; &lt;id&gt;": how every line of this item's output starts.</summary>
    public string Label => $"{Spec.Stage} {Spec.Id}";

    /// <summary>A line of the stage's output, labelled with the item it is about.</summary>
    public void Log(string message) => Console.WriteLine($"{Label}: {message}");

    public Manifest Commit(JsonObject? info = null)
    {
        loads.ThrowIfUncovered(Label);
        return writer.Commit(Spec, info);
    }

    public void Dispose()
    {
        loads.Dispose();
        writer.Dispose();
    }
}
