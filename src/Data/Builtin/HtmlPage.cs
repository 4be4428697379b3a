using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>A small HTML page: head with title and assets, then a body of headings, paragraphs, lists, links, forms and tables.</summary>
public static class HtmlPage
{
    static readonly string[] Phrases =
    [
        "Welcome to our site", "Contact us for more information", "Latest news and updates", "Sign up for the newsletter", "About the project",
        "Read the documentation", "Download the latest release", "Frequently asked questions", "Our team", "Upcoming events", "Terms of service",
        "Privacy policy", "Log in to your account", "Search results", "Product details", "Customer reviews", "Getting started",
    ];

    public static string Write(SplitMix64 r)
    {
        var w = new CodeWriter(r.Chance(0.5) ? "  " : "    ");
        string Noun() => r.Pick(CodeVocabulary.Nouns);
        string Text() => r.Pick(Phrases);
        string Class() => $"{Noun()}{(r.Chance(0.5) ? "-" + Noun() : "")}";
        w.Line("<!DOCTYPE html>").Line($"<html lang=\"{r.Pick(["en", "en", "de", "fr", "es"])}\">").Line("<head>");
        w.Depth++;
        w.Line("<meta charset=\"utf-8\">");
        if (r.Chance(0.6)) w.Line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.Line($"<title>{Text()} - {r.Pick(WordPools.Syllables)}{r.Pick(WordPools.NameEndings)}</title>");
        if (r.Chance(0.7)) w.Line($"<link rel=\"stylesheet\" href=\"css/{Noun()}.css\">");
        w.Depth--;
        w.Line("</head>").Line($"<body{(r.Chance(0.4) ? $" class=\"{Class()}\"" : "")}>");
        w.Depth++;
        int target = r.Between(14, 36);
        while (w.Lines < target - 4)
        {
            switch (r.NextInt(6))
            {
                case 0:
                    int level = r.Between(1, 3);
                    w.Line($"<h{level}>{Text()}</h{level}>");
                    break;
                case 1: w.Line($"<p>{Text()}. {Text()}.</p>"); break;
                case 2:
                    w.Line($"<ul class=\"{Class()}\">");
                    w.Depth++;
                    for (int i = r.Between(2, 5); i > 0; i--) w.Line($"<li><a href=\"/{Noun()}/{r.Between(1, 999)}\">{Text()}</a></li>");
                    w.Depth--;
                    w.Line("</ul>");
                    break;
                case 3:
                    w.Line($"<form action=\"/{Noun()}\" method=\"{(r.Chance(0.7) ? "post" : "get")}\">");
                    w.Depth++;
                    for (int i = r.Between(1, 3); i > 0; i--)
                    {
                        string field = Noun();
                        w.Line($"<label for=\"{field}\">{char.ToUpperInvariant(field[0])}{field[1..]}</label>");
                        w.Line($"<input type=\"{r.Pick(["text", "email", "number", "password"])}\" id=\"{field}\" name=\"{field}\">");
                    }
                    w.Line("<button type=\"submit\">Submit</button>");
                    w.Depth--;
                    w.Line("</form>");
                    break;
                case 4:
                    w.Line($"<div class=\"{Class()}\">");
                    w.Depth++;
                    w.Line($"<img src=\"img/{Noun()}_{r.Between(1, 99)}.{r.Pick(["png", "jpg", "svg"])}\" alt=\"{Text()}\">");
                    w.Line($"<span>{Text()}</span>");
                    w.Depth--;
                    w.Line("</div>");
                    break;
                default:
                    w.Line("<table>");
                    w.Depth++;
                    w.Line($"<tr><th>{Noun()}</th><th>{Noun()}</th></tr>");
                    for (int i = r.Between(1, 3); i > 0; i--) w.Line($"<tr><td>{r.Between(0, 9999)}</td><td>{Noun()}</td></tr>");
                    w.Depth--;
                    w.Line("</table>");
                    break;
            }
        }
        if (r.Chance(0.6)) w.Line($"<script src=\"js/{Noun()}.js\"></script>");
        w.Depth--;
        w.Line("</body>").Line("</html>");
        return w.ToString();
    }
}
