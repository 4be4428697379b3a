using System.Text;
using System.Text.RegularExpressions;

namespace SaePipeline.Tests;

/// <summary>A reader for NumPy .npy files (little-endian f4/i8, C order), to compare against goldens written by NumPy.</summary>
public static partial class Npy
{
    public static (long[] Shape, double[] Values) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("\x93NUMPY", Encoding.Latin1.GetString(bytes, 0, 6));
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int start = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, start, headerLength);
        string descr = Descr().Match(header).Groups[1].Value;
        Assert.Contains("'fortran_order': False", header);
        long[] shape = Shape().Match(header).Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        int data = start + headerLength;
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[count];
        for (int i = 0; i < count; i++)
            values[i] = descr switch
            {
                "<f4" => BitConverter.ToSingle(bytes, data + 4 * i),
                "<i8" => BitConverter.ToInt64(bytes, data + 8 * i),
                _ => throw new NotSupportedException(descr),
            };
        return (shape, values);
    }

    [GeneratedRegex(@"'descr': '([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex Shape();
}
