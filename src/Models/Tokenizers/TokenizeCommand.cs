using System.Text.Json;
using SaePipeline.Runtime;

namespace SaePipeline.Models.Tokenizers;

/// <summary>
/// `stages tokenize &lt;model-or-tokenizer-folder&gt; --texts in.json --out out.json`: a JSON array of strings in, a JSON
/// array of id arrays out, with no special tokens added (compare with HF's <c>encode(text, add_special_tokens=False)</c>).
/// </summary>
public static class TokenizeCommand
{
    public const string Usage = "stages tokenize <model-or-tokenizer-folder> --texts <in.json> --out <out.json>";

    public static int Run(CommandLine cl)
    {
        if (cl.Positional.Count != 1) throw new PipelineException($"usage: {Usage}", "tokenize");
        string textsPath = cl.Require("texts"), output = cl.Require("out");
        if (!File.Exists(textsPath)) throw new PipelineException($"{textsPath} does not exist", textsPath);
        string[] texts;
        try
        {
            texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(textsPath))
                    ?? throw new PipelineException($"{textsPath}: expected a JSON array of strings, found null", textsPath);
        }
        catch (JsonException e)
        {
            throw new PipelineException($"{textsPath}: expected a JSON array of strings ({e.Message})", textsPath);
        }
        var tokenizer = TokenizerLoader.Load(cl.Positional[0]);
        var ids = texts.Select(t => tokenizer.Encode(t ?? throw new PipelineException($"{textsPath}: null in place of a string", textsPath))).ToList();
        AtomicFile.WriteAllText(output, JsonSerializer.Serialize(ids));
        Console.WriteLine($"tokenize: {texts.Length} texts, {ids.Sum(i => i.Count)} tokens ({tokenizer.Source}) → {output}");
        return 0;
    }
}
