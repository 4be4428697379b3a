namespace SaePipeline.Models.Tokenizers;

/// <summary>
/// A byte-level BPE as <see cref="BpeTrainer"/> learns it. <see cref="Tokens"/>[id] is the token spelled in GPT-2's
/// byte alphabet (ids 0–255 are the bytes in byte order, then one token per merge that made a new string);
/// <see cref="Merges"/> are in rank order; special token i has id <c>Tokens.Count + i</c>.
/// </summary>
public sealed record LearnedBpe(IReadOnlyList<string> Tokens, IReadOnlyList<(string Left, string Right)> Merges, IReadOnlyList<string> SpecialTokens)
{
    public int VocabSize => Tokens.Count + SpecialTokens.Count;

    public int SpecialTokenId(string special)
    {
        for (int i = 0; i < SpecialTokens.Count; i++)
            if (SpecialTokens[i] == special) return Tokens.Count + i;
        throw new ArgumentException($"{special} is not one of the special tokens ({string.Join(", ", SpecialTokens)})", nameof(special));
    }

    /// <summary>Token → id over the learned and the special tokens, in id order.</summary>
    public IEnumerable<KeyValuePair<string, int>> Vocab =>
        Tokens.Concat(SpecialTokens).Select((token, id) => KeyValuePair.Create(token, id));
}
