namespace SaePipeline.Activations;

/// <summary>float32 ↔ bfloat16 bit patterns, rounding to nearest even as torch's <c>.to(torch.bfloat16)</c> does.</summary>
public static class BFloat16
{
    public static ushort FromFloat(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);   // keep it a (quiet) NaN
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float ToFloat(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>Writes d values as 2·d little-endian bytes.</summary>
    public static void Encode(ReadOnlySpan<float> values, Span<byte> destination)
    {
        for (int i = 0; i < values.Length; i++)
        {
            ushort b = FromFloat(values[i]);
            destination[2 * i] = (byte)b;
            destination[2 * i + 1] = (byte)(b >> 8);
        }
    }

    public static void Decode(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = ToFloat((ushort)(source[2 * i] | source[2 * i + 1] << 8));
    }
}
