using SaePipeline.Activations;

namespace SaePipeline.Evals.Absorption;

/// <summary>
/// The hook's activation at each prompt's word, row-major [prompts, d_model] in float32. Prompts of a batch are
/// right-padded to the longest (causal attention keeps every real position independent of the padding after it).
/// </summary>
public static class PromptActivations
{
    public static float[] At(HookRunner runner, IReadOnlyList<FirstLetterPrompt> prompts, int padId, int batchSize, Action<int>? done = null)
    {
        int d = runner.DModel;
        var result = new float[(long)prompts.Count * d];
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, prompts.Count - start);
            int positions = 0;
            for (int r = 0; r < rows; r++) positions = Math.Max(positions, prompts[start + r].Ids.Length);
            var ids = new long[rows * positions];
            Array.Fill(ids, padId);
            for (int r = 0; r < rows; r++)
            {
                var p = prompts[start + r].Ids;
                for (int t = 0; t < p.Length; t++) ids[r * positions + t] = p[t];
            }
            var acts = runner.Run(ids, rows, positions);
            for (int r = 0; r < rows; r++)
                acts.Slice((r * positions + prompts[start + r].WordPosition) * d, d).CopyTo(result.AsSpan((start + r) * d, d));
            done?.Invoke(rows);
        }
        return result;
    }
}
