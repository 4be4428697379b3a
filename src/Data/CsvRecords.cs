using System.Text;
using SaePipeline.Runtime;

namespace SaePipeline.Data;

/// <summary>
/// The records of a CSV file as pandas' <c>to_csv</c> writes them and <c>read_csv</c> reads them by default (RFC 4180):
/// comma-separated; a field in double quotes may hold commas, line breaks and doubled quotes (<c>""</c> is one quote);
/// records end at \n, \r\n or \r outside quotes; blank lines are skipped. Each record carries the line it starts on, so
/// an error can name it even when an earlier field spans several lines. A quote inside an unquoted field is kept as
/// text, as pandas keeps it; text after a closing quote, or a quote left open at the end of the file, is an error.
/// </summary>
static class CsvRecords
{
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    public static IEnumerable<Record> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1, quoteLine = 0;
        bool quoted = false, afterQuote = false, recordStarted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            char ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (ch == '\n' || (ch == '\r' && reader.Peek() != '\n')) line++;
                    field.Append(ch);
                }
                continue;
            }
            if (ch is '\n' or '\r')
            {
                if (ch == '\r' && reader.Peek() == '\n') reader.Read();
                if (recordStarted)
                {
                    fields.Add(field.ToString());
                    yield return new Record(recordLine, fields.ToArray());
                }
                fields.Clear();
                field.Clear();
                afterQuote = recordStarted = false;
                recordLine = ++line;
                continue;
            }
            recordStarted = true;
            if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                afterQuote = false;
            }
            else if (afterQuote)
                throw new PipelineException($"{path}:{line}: '{ch}' after a closing quote; a quoted field must end at a comma or the end of its line", path);
            else if (ch == '"' && field.Length == 0)
            {
                quoted = true;
                quoteLine = line;
            }
            else field.Append(ch);
        }
        if (quoted) throw new PipelineException($"{path}:{quoteLine}: a quote opened here is never closed", path);
        if (recordStarted)
        {
            fields.Add(field.ToString());
            yield return new Record(recordLine, fields.ToArray());
        }
    }
}
