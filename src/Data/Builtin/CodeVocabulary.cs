using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>Identifier parts and comment phrases for generated code, and the casing conventions that join them.</summary>
public static class CodeVocabulary
{
    public static readonly string[] Nouns =
    [
        "count", "total", "index", "buffer", "user", "item", "value", "result", "node", "size", "offset", "price", "name", "path", "key",
        "data", "config", "cache", "queue", "row", "column", "score", "width", "height", "temp", "limit", "step", "order", "account",
        "balance", "record", "token", "header", "page", "file", "line", "word", "sum", "level", "flag", "port", "timeout", "retry",
        "session", "event", "message", "amount", "rate", "weight", "length", "depth", "color", "point", "matrix", "vector", "entry",
    ];

    public static readonly string[] Modifiers = ["max", "min", "new", "old", "cur", "next", "prev", "total", "raw", "tmp", "last", "first", "base", "local", "default", "user", "num", "avg"];

    public static readonly string[] Verbs =
    [
        "get", "set", "compute", "parse", "load", "save", "update", "find", "check", "init", "read", "write", "process", "handle", "build",
        "render", "validate", "sum", "reset", "count", "sort", "merge", "split", "format", "print", "apply", "scale", "clamp", "encode", "decode",
    ];

    public static readonly string[] Comments =
    [
        "TODO: handle the empty case", "compute the running total", "make sure the index stays in range", "this is a workaround for an old bug",
        "keep this in sync with the config file", "fast path for small inputs", "not thread safe", "FIXME: remove after the migration",
        "convert to the internal format", "check the limits before writing", "the caller owns the buffer", "loop until the queue is empty",
        "return early if nothing changed", "default values", "helper for the unit tests", "see the issue tracker for details", "main entry point",
    ];

    /// <summary>A variable name of one or two parts, e.g. ("max", "count").</summary>
    public static string[] VariableParts(SplitMix64 random) =>
        random.Chance(0.5) ? [random.Pick(Nouns)] : [random.Pick(Modifiers), random.Pick(Nouns)];

    public static string[] FunctionParts(SplitMix64 random) =>
        random.Chance(0.7) ? [random.Pick(Verbs), random.Pick(Nouns)] : [random.Pick(Verbs), random.Pick(Modifiers), random.Pick(Nouns)];

    public static string Snake(string[] parts) => string.Join('_', parts);

    public static string Camel(string[] parts) => parts[0] + string.Concat(parts.Skip(1).Select(Capitalise));

    public static string Pascal(string[] parts) => string.Concat(parts.Select(Capitalise));

    static string Capitalise(string part) => char.ToUpperInvariant(part[0]) + part[1..];
}
