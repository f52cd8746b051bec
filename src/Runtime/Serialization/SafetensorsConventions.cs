using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Backprop.Serialization;

/// <summary>
/// How this project's networks live in a safetensors file, in one place for <c>Safetensors.Save</c> and
/// <c>Safetensors.Load</c> (run time) and the generator's build-time weights: the tensor names, the
/// <c>__metadata__</c> that describes the network and how it is compared with a declaration, the <c>nn.Linear</c>
/// transpose, and the element types with their little-endian decoding. Compiled into the runtime and the generator
/// alike, so it sticks to what .NET Standard 2.0 offers.
/// </summary>
internal static class SafetensorsConventions
{
    /// <summary>The header entry that holds the file's string metadata (a safetensors rule).</summary>
    public const string MetadataEntry = "__metadata__";

    /// <summary>The metadata key whose value <see cref="FormatName"/> marks a file saved by this project.</summary>
    public const string FormatKey = "format";

    /// <summary>The value of <see cref="FormatKey"/> in files saved by this project.</summary>
    public const string FormatName = "backprop-gen";

    // The metadata keys of a saved network's description (see Metadata).
    public const string LayersKey = "layers";

    public const string ActivationsKey = "activations";

    public const string LossKey = "loss";

    public const string BiasKey = "bias";

    public const string ElementTypeKey = "element_type";

    // The dtypes that can hold network parameters.
    public const string F16 = "F16";

    public const string BF16 = "BF16";

    public const string F32 = "F32";

    public const string F64 = "F64";

    /// <summary>The name of weight layer <paramref name="layer"/>'s weights (from 0): <c>layers.{i}.weight</c>.</summary>
    public static string WeightName(int layer) => WeightOf(LayerPrefix(layer));

    /// <summary>The name of weight layer <paramref name="layer"/>'s biases (from 0): <c>layers.{i}.bias</c>.</summary>
    public static string BiasName(int layer) => BiasOf(LayerPrefix(layer));

    /// <summary>PyTorch's name for the weights of the module <paramref name="prefix"/>: <c>{prefix}.weight</c>.</summary>
    public static string WeightOf(string prefix) => prefix + ".weight";

    /// <summary>PyTorch's name for the biases of the module <paramref name="prefix"/>: <c>{prefix}.bias</c>.</summary>
    public static string BiasOf(string prefix) => prefix + ".bias";

    /// <summary>
    /// Where value <paramref name="fileIndex"/> of a weight tensor belongs in <c>W[l]</c>. The file holds
    /// <c>nn.Linear.weight</c>, <c>[out, in]</c> row-major; <c>W[l]</c> is <c>[in, out]</c> row-major (docs/math.md), so
    /// file value <c>(j, k)</c> is <c>W[l]</c> value <c>(k, j)</c>.
    /// </summary>
    public static int ParameterIndex(int fileIndex, int fanIn, int fanOut) => ((fileIndex % fanIn) * fanOut) + (fileIndex / fanIn);

    /// <summary>The shape of a weight tensor in the file, <c>[out, in]</c>.</summary>
    public static long[] WeightShape(int fanIn, int fanOut) => new long[] { fanOut, fanIn };

    /// <summary>The shape of a bias tensor in the file, <c>[out]</c>.</summary>
    public static long[] BiasShape(int fanOut) => new long[] { fanOut };

    /// <summary>The dtype a network of the element type is saved as.</summary>
    public static string DType(bool single) => single ? F32 : F64;

    /// <summary>The bytes one element of <paramref name="dtype"/> takes, or 0 for a dtype that cannot hold parameters.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        F16 or BF16 => 2,
        F32 => 4,
        F64 => 8,
        _ => 0,
    };

    /// <summary>
    /// Decodes the little-endian element of <paramref name="dtype"/> at <paramref name="at"/>; every F16, BF16 and F32
    /// value is exact in <see cref="double"/>.
    /// </summary>
    public static double ReadElement(string dtype, ReadOnlySpan<byte> at) => dtype switch
    {
        F64 => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(at)),
        F32 => SingleFromBits(BinaryPrimitives.ReadInt32LittleEndian(at)),
        F16 => HalfToDouble(BinaryPrimitives.ReadUInt16LittleEndian(at)),
        BF16 => SingleFromBits(BinaryPrimitives.ReadUInt16LittleEndian(at) << 16), // The upper half of a float.
        _ => throw new ArgumentException($"dtype '{dtype}' cannot hold network parameters.", nameof(dtype)),
    };

    /// <summary>
    /// The metadata that describes a network, in the order it is written: the format tag, the layer sizes, activations,
    /// loss, whether it has biases, and its element type.
    /// </summary>
    public static KeyValuePair<string, string>[] Metadata(IEnumerable<int> layers, IEnumerable<Activation> activations, LossFunction loss, bool bias, bool single) => new[]
    {
        Entry(FormatKey, FormatName),
        Entry(LayersKey, string.Join(",", layers)),
        Entry(ActivationsKey, string.Join(",", activations)),
        Entry(LossKey, loss.ToString()),
        Entry(BiasKey, bias ? "true" : "false"),
        Entry(ElementTypeKey, single ? "float32" : "float64"),
    };

    /// <summary>
    /// Why a file's metadata does not fit the declared network, or <see langword="null"/> when it does. Only files saved by
    /// this project are compared: a file from elsewhere (PyTorch) has no such metadata, and its names and shapes are checked
    /// one by one instead. The element type is not compared: F32 and F64 files load into float and double networks alike.
    /// </summary>
    /// <param name="file">The file's <c>__metadata__</c>.</param>
    /// <param name="declared">The network's <see cref="Metadata"/>.</param>
    /// <returns>A sentence without its final period, so that callers can continue it.</returns>
    public static string? Mismatch(IReadOnlyDictionary<string, string> file, KeyValuePair<string, string>[] declared)
    {
        if (!file.TryGetValue(FormatKey, out string? format) || format != FormatName)
        {
            return null;
        }

        string saved = Describe(key => file.TryGetValue(key, out string? value) ? value : "?");
        string wanted = Describe(key => Array.Find(declared, entry => entry.Key == key).Value);
        return saved == wanted ? null : $"the file holds a network with {saved}, but this network has {wanted}";
    }

    private static string Describe(Func<string, string> value) =>
        $"layers [{value(LayersKey)}], activations [{value(ActivationsKey)}], loss {value(LossKey)}, bias {value(BiasKey)}";

    private static KeyValuePair<string, string> Entry(string key, string value) => new(key, value);

    private static string LayerPrefix(int layer) => "layers." + layer.ToString(CultureInfo.InvariantCulture);

    private static double SingleFromBits(int bits)
    {
        Span<int> word = stackalloc int[] { bits };
        return MemoryMarshal.Cast<int, float>(word)[0];
    }

    // IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits; every value is exact in double.
    private static double HalfToDouble(ushort bits)
    {
        int exponent = (bits >> 10) & 0x1F;
        int fraction = bits & 0x3FF;
        double magnitude = exponent switch
        {
            0 => fraction / 16777216.0, // Subnormal: fraction * 2^-24.
            31 => fraction == 0 ? double.PositiveInfinity : double.NaN,
            _ => BitConverter.Int64BitsToDouble(((long)(exponent - 15 + 1023) << 52) | ((long)fraction << 42)),
        };
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }
}
