using Google.Protobuf;
using SaePipeline.Runtime;

namespace SaePipeline.Models.Tokenizers;

/// <summary>
/// The vocabulary of a SentencePiece <c>tokenizer.model</c> (a serialized <c>sentencepiece.ModelProto</c>): field 1 holds
/// the pieces in id order, each with piece = 1, score = 2, type = 3. ML.Tokenizers keeps its proto types internal, so the
/// few fields we need are read here with Google.Protobuf's wire reader.
/// </summary>
public static class SentencePieceModel
{
    public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

    public sealed record Piece(string Text, float Score, PieceType Type);

    public static IReadOnlyList<Piece> ReadPieces(string path)
    {
        try
        {
            var pieces = new List<Piece>();
            using var input = new CodedInputStream(File.OpenRead(path));
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) != 1) { input.SkipLastField(); continue; }
                pieces.Add(ReadPiece(input.ReadBytes()));
            }
            return pieces.Count > 0 ? pieces : throw new PipelineException($"{path}: not a SentencePiece model (no pieces)", path);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PipelineException($"{path}: not a SentencePiece model ({e.Message})", path);
        }
    }

    static Piece ReadPiece(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        string text = "";
        float score = 0;
        var type = PieceType.Normal;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: text = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: type = (PieceType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Piece(text, score, type);
    }
}
