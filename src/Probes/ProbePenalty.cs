namespace SaePipeline.Probes;

/// <summary>The penalty of a regularisation-searched probe (sae-probes' <c>reg_type</c>).</summary>
public enum ProbePenalty
{
    /// <summary>½‖w‖² (<see cref="L2LogisticRegression"/>); sae-probes' baseline on the model's dimensions.</summary>
    L2,

    /// <summary>‖w‖₁ (<see cref="L1LogisticRegression"/>); SAEBench's default for the SAE's top-k probes.</summary>
    L1,
}
