using SaePipeline.Config;
using static TorchSharp.torch;

namespace SaePipeline.Sae;

/// <summary>
/// An architecture's objective with a research term added, <c>L = L_architecture + L_term</c>: the architecture's
/// latents, sparsity and auxiliary losses are computed as always, and the term sees its output. The term works in
/// the units the SAE trains in; <see cref="InputScale"/> (the input normalisation's factor) converts reconstructions
/// back to the model's units wherever a term shows them to something trained on raw activations (probes, the model).
/// </summary>
public abstract class AddedTermObjective(SaeConfig config, SaeObjective architecture) : SaeObjective(config), IDisposable
{
    protected SaeObjective Architecture => architecture;

    /// <summary>s with x_train = s·x_raw; set by TrainSae once it is known (1 without input normalisation).</summary>
    public double InputScale { get; set; } = 1.0;

    public override SparseAutoencoder Sae => architecture.Sae;
    public override bool UsesDeadLatents => architecture.UsesDeadLatents;
    public override void BeforeFirstStep(Tensor x) => architecture.BeforeFirstStep(x);
    public override void AfterStep(ObjectiveOutput output, long step) => architecture.AfterStep(output, step);
    public override double SparsityCoefficient(double sparsityScale) => architecture.SparsityCoefficient(sparsityScale);

    public override ObjectiveOutput Forward(Tensor x, StepContext step)
    {
        var output = architecture.Forward(x, step);
        Observe(output, step.Step);
        if (!TermRunsAt(step.Step)) return output;
        var (term, logged) = Term(x, output, step);
        return output with { Loss = output.Loss + term, Terms = logged };
    }

    /// <summary>Called once before the training loop with its first step (0, or where a resumed run continues).</summary>
    public virtual void Start(long firstStep) { }

    /// <summary>Sees every step's output, including steps without the term (running statistics).</summary>
    protected virtual void Observe(ObjectiveOutput output, long step) { }

    /// <summary>Whether the term is computed at this step (TrainSae times steps with and without it).</summary>
    public virtual bool TermRunsAt(long step) => true;

    /// <summary>The weighted term to add to the loss, and what the training log shows of it.</summary>
    protected abstract (Tensor Term, IReadOnlyDictionary<string, Tensor> Logged) Term(Tensor x, ObjectiveOutput output, StepContext step);

    public virtual void Dispose() { }
}
