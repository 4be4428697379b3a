namespace SaePipeline.Models.Tokenizers;

/// <summary>
/// GPT-2's byte → character table (bytes_to_unicode in OpenAI's encoder.py, HF's ByteLevel): byte-level BPE vocabularies
/// are stored as JSON strings, so every byte needs a printable character. The printable Latin-1 bytes stand for
/// themselves; the other 68 (controls, space, NBSP, soft hyphen) take U+0100 onwards in byte order, hence space → "Ġ"
/// and newline → "Ċ".
/// </summary>
internal static class ByteLevelAlphabet
{
    static readonly char[] CharOfByte = Build();

    static char[] Build()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = (char)(printable ? b : next++);
        }
        return table;
    }

    public static char Of(byte b) => CharOfByte[b];
}
