namespace SaePipeline.PipelineTests;

public static class MicroPipelines
{
    /// <summary>Three small SAEs on a small planted-feature cache: the whole build takes seconds.</summary>
    public const string ThreeSaes = """
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
          - name: c
            l1_coefficient: 0.2
        """;

    /// <summary>The same cache and defaults, the three SAEs replaced by a sweep of eight: 18 items, the issue-20 micro sweep.</summary>
    public static readonly string EightSaes = ThreeSaes[..ThreeSaes.IndexOf("saes:", StringComparison.Ordinal)] + """
        saes:
          - name: relu
            sweep:
              l1_coefficient: [0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2]
        """;

    public static readonly string[] AllItems =
    [
        "CacheActivations/synthetic", "EvaluateSynthetic/a", "EvaluateSynthetic/b", "EvaluateSynthetic/c",
        "Report/report", "TrainSae/a", "TrainSae/b", "TrainSae/c",
    ];
}
