using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// The surface syntax of one procedural language, enough for <see cref="ProgramSketch"/> to write the same kinds of
/// small programs (functions of integers with loops, branches and prints) in C, Python, Java and PHP.
/// A null <see cref="BlockEnd"/> means blocks end by indentation, as in Python.
/// </summary>
public sealed record CodeDialect
{
    public required string Language { get; init; }
    public required string Indent { get; init; }
    public required string Comment { get; init; }
    public required Func<string[], string> Name { get; init; }
    public required Func<string[], string> FunctionName { get; init; }
    public Func<string, string> Variable { get; init; } = name => name;
    public string IntegerDivide { get; init; } = "/";
    public string And { get; init; } = "&&";
    public required Func<string, string, string> Declare { get; init; }
    public required Func<string, string, string> DeclareText { get; init; }
    public required Func<string, string, string> Assign { get; init; }
    public required Func<string, string> If { get; init; }
    public required string Else { get; init; }
    public required Func<string, string, string> CountedLoop { get; init; }
    public required Func<string, string> While { get; init; }
    public required Func<string, string> Print { get; init; }
    public required Func<string, string, string> PrintLabelled { get; init; }
    public required Func<string, string> Return { get; init; }
    public required Func<string, IReadOnlyList<string>, string> FunctionOpen { get; init; }
    public string? BlockEnd { get; init; } = "}";
    public required Action<CodeWriter, SplitMix64> FileStart { get; init; }
    public required Action<CodeWriter, SplitMix64, IReadOnlyList<(string Name, int Arity)>> FileEnd { get; init; }

    public static readonly CodeDialect C = new()
    {
        Language = "C", Indent = "    ", Comment = "//",
        Name = CodeVocabulary.Snake, FunctionName = CodeVocabulary.Snake,
        Declare = (n, e) => $"int {n} = {e};", DeclareText = (n, s) => $"const char *{n} = \"{s}\";", Assign = (n, e) => $"{n} = {e};",
        If = c => $"if ({c}) {{", Else = "} else {", CountedLoop = (i, n) => $"for (int {i} = 0; {i} < {n}; {i}++) {{", While = c => $"while ({c}) {{",
        Print = e => $"printf(\"%d\\n\", {e});", PrintLabelled = (l, e) => $"printf(\"{l}: %d\\n\", {e});", Return = e => $"return {e};",
        FunctionOpen = (f, ps) => $"{(ps.Count % 2 == 0 ? "static " : "")}int {f}({(ps.Count == 0 ? "void" : string.Join(", ", ps.Select(p => "int " + p)))}) {{",
        FileStart = (w, r) =>
        {
            if (r.Chance(0.4)) w.Line($"/* {r.Pick(CodeVocabulary.Comments)} */");
            foreach (var h in new[] { "stdio.h", "stdlib.h", "string.h", "math.h", "stdint.h" }.Where((_, i) => i == 0 || r.Chance(0.4))) w.Line($"#include <{h}>");
            if (r.Chance(0.5)) w.Line($"#define {CodeVocabulary.Snake(CodeVocabulary.VariableParts(r)).ToUpperInvariant()} {r.Between(2, 4096)}");
            w.Gap();
        },
        FileEnd = (w, r, fs) =>
        {
            w.Line("int main(void) {");
            w.Depth++;
            foreach (var (f, arity) in fs) w.Line($"printf(\"%d\\n\", {f}({string.Join(", ", Enumerable.Range(0, arity).Select(_ => r.Between(0, 100)))}));");
            w.Line("return 0;");
            w.Depth--;
            w.Line("}");
        },
    };

    public static readonly CodeDialect Python = new()
    {
        Language = "Python", Indent = "    ", Comment = "#", BlockEnd = null, IntegerDivide = "//", And = "and",
        Name = CodeVocabulary.Snake, FunctionName = CodeVocabulary.Snake,
        Declare = (n, e) => $"{n} = {e}", DeclareText = (n, s) => $"{n} = \"{s}\"", Assign = (n, e) => $"{n} = {e}",
        If = c => $"if {c}:", Else = "else:", CountedLoop = (i, n) => $"for {i} in range({n}):", While = c => $"while {c}:",
        Print = e => $"print({e})", PrintLabelled = (l, e) => $"print(f\"{l}: {{{e}}}\")", Return = e => $"return {e}",
        FunctionOpen = (f, ps) => $"def {f}({string.Join(", ", ps)}):",
        FileStart = (w, r) =>
        {
            if (r.Chance(0.3)) w.Line("#!/usr/bin/env python3");
            if (r.Chance(0.4)) w.Line($"\"\"\"{Sentence(r.Pick(CodeVocabulary.Comments))}.\"\"\"");
            foreach (var m in new[] { "os", "sys", "math", "json", "random" }.Where(_ => r.Chance(0.35))) w.Line($"import {m}");
            if (r.Chance(0.3)) w.Line("from collections import defaultdict");
            w.Gap();
        },
        FileEnd = (w, r, fs) =>
        {
            w.Line("if __name__ == \"__main__\":");
            w.Depth++;
            foreach (var (f, arity) in fs) w.Line($"print({f}({string.Join(", ", Enumerable.Range(0, arity).Select(_ => r.Between(0, 100)))}))");
            w.Depth--;
        },
    };

    public static readonly CodeDialect Java = new()
    {
        Language = "Java", Indent = "    ", Comment = "//",
        Name = CodeVocabulary.Camel, FunctionName = CodeVocabulary.Camel,
        Declare = (n, e) => $"int {n} = {e};", DeclareText = (n, s) => $"String {n} = \"{s}\";", Assign = (n, e) => $"{n} = {e};",
        If = c => $"if ({c}) {{", Else = "} else {", CountedLoop = (i, n) => $"for (int {i} = 0; {i} < {n}; {i}++) {{", While = c => $"while ({c}) {{",
        Print = e => $"System.out.println({e});", PrintLabelled = (l, e) => $"System.out.println(\"{l}: \" + {e});", Return = e => $"return {e};",
        FunctionOpen = (f, ps) => $"{(ps.Count % 2 == 0 ? "public" : "private")} static int {f}({string.Join(", ", ps.Select(p => "int " + p))}) {{",
        FileStart = (w, r) =>
        {
            w.Line($"package com.{r.Pick(WordPools.Syllables)}{r.Pick(WordPools.NameEndings)}.{r.Pick(CodeVocabulary.Nouns)};");
            w.Gap();
            foreach (var i in new[] { "java.util.List", "java.util.ArrayList", "java.util.Map", "java.util.HashMap", "java.io.IOException" }.Where(_ => r.Chance(0.3))) w.Line($"import {i};");
            w.Gap();
            if (r.Chance(0.5)) w.Line("/**").Line($" * {Sentence(r.Pick(CodeVocabulary.Comments))}.").Line(" */");
            w.Line($"public class {CodeVocabulary.Pascal([r.Pick(CodeVocabulary.Nouns), r.Pick(["Service", "Util", "Manager", "Handler", "Parser", "Builder", "Test", "App"])])} {{");
            w.Depth++;
        },
        FileEnd = (w, r, fs) =>
        {
            w.Line("public static void main(String[] args) {");
            w.Depth++;
            foreach (var (f, arity) in fs) w.Line($"System.out.println({f}({string.Join(", ", Enumerable.Range(0, arity).Select(_ => r.Between(0, 100)))}));");
            w.Depth--;
            w.Line("}");
            w.Depth--;
            w.Line("}");
        },
    };

    public static readonly CodeDialect Php = new()
    {
        Language = "PHP", Indent = "    ", Comment = "//",
        Name = CodeVocabulary.Camel, FunctionName = CodeVocabulary.Camel, Variable = n => "$" + n,
        Declare = (n, e) => $"{n} = {e};", DeclareText = (n, s) => $"{n} = '{s}';", Assign = (n, e) => $"{n} = {e};",
        If = c => $"if ({c}) {{", Else = "} else {", CountedLoop = (i, n) => $"for ({i} = 0; {i} < {n}; {i}++) {{", While = c => $"while ({c}) {{",
        Print = e => $"echo {e} . \"\\n\";", PrintLabelled = (l, e) => $"echo \"{l}: \" . {e} . \"\\n\";", Return = e => $"return {e};",
        FunctionOpen = (f, ps) => $"function {f}({string.Join(", ", ps)}) {{",
        FileStart = (w, r) =>
        {
            w.Line("<?php");
            if (r.Chance(0.4)) w.Line($"namespace App\\{CodeVocabulary.Pascal([r.Pick(CodeVocabulary.Nouns)])};");
            if (r.Chance(0.4)) w.Line($"require_once '{r.Pick(CodeVocabulary.Nouns)}.php';");
            if (r.Chance(0.4)) w.Line($"/** {Sentence(r.Pick(CodeVocabulary.Comments))}. */");
            w.Gap();
        },
        FileEnd = (w, r, fs) =>
        {
            foreach (var (f, arity) in fs) w.Line($"echo {f}({string.Join(", ", Enumerable.Range(0, arity).Select(_ => r.Between(0, 100)))}) . \"\\n\";");
            if (r.Chance(0.3)) w.Line("?>");
        },
    };

    public static readonly IReadOnlyList<CodeDialect> Procedural = [C, Python, Java, Php];

    static string Sentence(string comment) => char.ToUpperInvariant(comment[0]) + comment[1..];
}
