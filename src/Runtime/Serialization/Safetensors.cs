using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using Backprop.Serialization;

namespace Backprop;

/// <summary>
/// Saves and loads any generated network as a safetensors file, the format PyTorch and Hugging Face use. Tensors are
/// named <c>layers.{i}.weight</c> (shape <c>[n(i+1), n(i)]</c>, PyTorch's <c>nn.Linear.weight</c>, the transpose of
/// <c>W[i+1]</c>) and <c>layers.{i}.bias</c> (<c>[n(i+1)]</c>); <c>__metadata__</c> records the layer sizes,
/// activations, loss, bias and element type so that a file of another network is refused with a clear message.
/// </summary>
/// <remarks>
/// <para>Saving is atomic: the file is written under a temporary name in the same folder, flushed to disk, then renamed
/// over the target, so an interrupted save leaves the previous file intact and never a torn one.</para>
/// <para>Loading validates the whole file (structure, sizes, names, shapes, metadata and that every value is finite)
/// before it writes a single parameter; a failed load leaves the network unchanged. Nothing is allocated from sizes the
/// file declares: the file is read once, and every declared size is checked against it.</para>
/// <para>Element types convert as follows: F32 and F64 files load into float and double networks alike; F16 and BF16
/// widen exactly; F64 into a float network rounds to nearest (ties to even), like a C# cast.</para>
/// </remarks>
public static class Safetensors
{
    /// <summary>The largest file accepted (2 GiB, the largest array .NET holds).</summary>
    public const long MaxFileLength = ModelFiles.MaxFileLength;

    /// <summary>Saves a float network.</summary>
    /// <param name="network">The network.</param>
    /// <param name="path">The file to create or replace.</param>
    public static void Save(INetwork<float> network, string path) => SaveCore(network, path, stream => stream);

    /// <summary>Saves a double network.</summary>
    /// <param name="network">The network.</param>
    /// <param name="path">The file to create or replace.</param>
    public static void Save(INetwork<double> network, string path) => SaveCore(network, path, stream => stream);

    /// <summary>Loads a float network's parameters.</summary>
    /// <param name="network">The network; unchanged if loading fails.</param>
    /// <param name="path">The file.</param>
    /// <param name="names">How tensors map to layers; <see langword="null"/> for <see cref="SafetensorsNames.Default"/>.</param>
    /// <exception cref="ModelFileException">The file is damaged or holds another network; the message says what is wrong.</exception>
    public static void Load(INetwork<float> network, string path, SafetensorsNames? names = null) => LoadCore(network, path, names);

    /// <summary>Loads a double network's parameters.</summary>
    /// <param name="network">The network; unchanged if loading fails.</param>
    /// <param name="path">The file.</param>
    /// <param name="names">How tensors map to layers; <see langword="null"/> for <see cref="SafetensorsNames.Default"/>.</param>
    /// <exception cref="ModelFileException">The file is damaged or holds another network; the message says what is wrong.</exception>
    public static void Load(INetwork<double> network, string path, SafetensorsNames? names = null) => LoadCore(network, path, names);

    /// <summary>Saves through a stream wrapper, so that tests can make a write fail part-way.</summary>
    internal static void SaveCore<T>(INetwork<T> network, string path, Func<Stream, Stream> wrap)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelFiles.WriteAtomically(path, Serialize(network), wrap);
    }

    private static byte[] Serialize<T>(INetwork<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NetworkArchitecture architecture = network.Architecture;
        ReadOnlySpan<T> parameters = network.Parameters;
        bool single = typeof(T) == typeof(float);
        string dtype = SafetensorsConventions.DType(single);
        int size = SafetensorsConventions.ElementSize(dtype);

        var header = new StringBuilder("{\"").Append(SafetensorsConventions.MetadataEntry).Append("\":{");
        header.Append(string.Join(",", Metadata(architecture, single).Select(entry => $"\"{entry.Key}\":\"{entry.Value}\""))).Append('}');
        long offset = 0;
        for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
        {
            int fanIn = architecture.LayerSizes[layer];
            int fanOut = architecture.LayerSizes[layer + 1];
            AppendTensor(header, SafetensorsConventions.WeightName(layer), dtype, SafetensorsConventions.WeightShape(fanIn, fanOut), ref offset, size);
            if (architecture.HasBias)
            {
                AppendTensor(header, SafetensorsConventions.BiasName(layer), dtype, SafetensorsConventions.BiasShape(fanOut), ref offset, size);
            }
        }

        header.Append('}');
        while ((header.Length + 8) % 8 != 0)
        {
            header.Append(' '); // Pad so that the data starts 8-byte aligned.
        }

        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        byte[] contents = new byte[8 + headerBytes.Length + ((long)parameters.Length * size)];
        BinaryPrimitives.WriteUInt64LittleEndian(contents, (ulong)headerBytes.Length);
        headerBytes.CopyTo(contents, 8);
        Span<byte> data = contents.AsSpan(8 + headerBytes.Length);
        int position = 0;
        for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
        {
            int fanIn = architecture.LayerSizes[layer];
            int fanOut = architecture.LayerSizes[layer + 1];
            int weights = architecture.WeightOffset(layer);
            for (int i = 0; i < fanIn * fanOut; i++)
            {
                position = Write(data, position, parameters[weights + SafetensorsConventions.ParameterIndex(i, fanIn, fanOut)]);
            }

            if (architecture.HasBias)
            {
                int biases = architecture.BiasOffset(layer);
                for (int j = 0; j < fanOut; j++)
                {
                    position = Write(data, position, parameters[biases + j]);
                }
            }
        }

        return contents;
    }

    private static void AppendTensor(StringBuilder header, string name, string dtype, long[] shape, ref long offset, int size)
    {
        long length = shape.Aggregate((long)size, (product, dimension) => product * dimension);
        header.Append(",\"").Append(name).Append("\":{\"dtype\":\"").Append(dtype).Append("\",\"shape\":[").AppendJoin(',', shape)
            .Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + length).Append("]}");
        offset += length;
    }

    private static KeyValuePair<string, string>[] Metadata(NetworkArchitecture architecture, bool single) => SafetensorsConventions.Metadata(
        architecture.LayerSizes.ToArray(), architecture.Activations.ToArray(), architecture.Loss, architecture.HasBias, single);

    private static int Write<T>(Span<byte> data, int position, T value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            BinaryPrimitives.WriteSingleLittleEndian(data[position..], float.CreateTruncating(value));
            return position + 4;
        }

        BinaryPrimitives.WriteDoubleLittleEndian(data[position..], double.CreateTruncating(value));
        return position + 8;
    }

    private static void LoadCore<T>(INetwork<T> network, string path, SafetensorsNames? names)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ModelFiles.ReadAll(path);
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Parse(bytes);
        }
        catch (FormatException exception)
        {
            throw new ModelFileException(path, exception.Message, exception);
        }

        NetworkArchitecture architecture = network.Architecture;
        CheckMetadata(file, architecture, path);
        (string Weight, string Bias)[] layers = (names ?? SafetensorsNames.Default).Resolve(file, architecture, path);
        Dictionary<string, SafetensorsTensor> byName = file.Tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var staged = new T[architecture.ParameterCount];
        for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
        {
            int fanIn = architecture.LayerSizes[layer];
            int fanOut = architecture.LayerSizes[layer + 1];
            SafetensorsTensor weight = Find(byName, layers[layer].Weight, path, $"the weights of layer {layer} ({fanIn} -> {fanOut})");
            RequireShape(weight, SafetensorsConventions.WeightShape(fanIn, fanOut), path, "nn.Linear layout [out_features, in_features]");
            used.Add(weight.Name);
            int weights = architecture.WeightOffset(layer);
            for (int i = 0; i < fanIn * fanOut; i++)
            {
                staged[weights + SafetensorsConventions.ParameterIndex(i, fanIn, fanOut)] = ReadValue<T>(bytes, file, weight, i, path);
            }

            if (architecture.HasBias)
            {
                SafetensorsTensor bias = Find(byName, layers[layer].Bias, path, $"the biases of layer {layer}");
                RequireShape(bias, SafetensorsConventions.BiasShape(fanOut), path, "one value per output");
                used.Add(bias.Name);
                int biases = architecture.BiasOffset(layer);
                for (int j = 0; j < fanOut; j++)
                {
                    staged[biases + j] = ReadValue<T>(bytes, file, bias, j, path);
                }
            }
        }

        string[] unused = file.Tensors.Select(tensor => tensor.Name).Where(name => !used.Contains(name)).ToArray();
        if (unused.Length > 0)
        {
            string hint = !architecture.HasBias && unused.Any(name => name.EndsWith("bias", StringComparison.Ordinal))
                ? " The file has biases but the network is declared with Bias = false."
                : " Load with SafetensorsNames.InOrder or SafetensorsNames.FromPrefixes(...) if the names differ.";
            throw new ModelFileException(path, $"the file has tensors the network does not use: {string.Join(", ", unused)}.{hint}");
        }

        staged.CopyTo(network.Parameters);
    }

    private static void CheckMetadata(SafetensorsFile file, NetworkArchitecture architecture, string path)
    {
        string? mismatch = SafetensorsConventions.Mismatch(file.Metadata, Metadata(architecture, architecture.ElementType == typeof(float)));
        if (mismatch is not null)
        {
            throw new ModelFileException(path, mismatch + ".");
        }
    }

    private static SafetensorsTensor Find(Dictionary<string, SafetensorsTensor> byName, string name, string path, string role)
    {
        if (byName.TryGetValue(name, out SafetensorsTensor? tensor))
        {
            return tensor;
        }

        throw new ModelFileException(path,
            $"tensor '{name}' ({role}) is not in the file, which has: {string.Join(", ", byName.Keys)}. " +
            "Load with SafetensorsNames.InOrder or SafetensorsNames.FromPrefixes(...) if the file uses other names.");
    }

    private static void RequireShape(SafetensorsTensor tensor, long[] expected, string path, string layout)
    {
        if (!tensor.Shape.SequenceEqual(expected))
        {
            throw new ModelFileException(path, $"tensor '{tensor.Name}' has shape {tensor.ShapeText}, but the network needs [{string.Join(", ", expected)}] ({layout}).");
        }
    }

    private static T ReadValue<T>(byte[] bytes, SafetensorsFile file, SafetensorsTensor tensor, int index, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = SafetensorsConventions.ElementSize(tensor.DType);
        ReadOnlySpan<byte> at = bytes.AsSpan((int)(file.DataStart + tensor.Begin + ((long)index * size)), size);
        T value = T.CreateTruncating(SafetensorsConventions.ReadElement(tensor.DType, at)); // Exact, but F64 into float rounds.
        if (!T.IsFinite(value))
        {
            throw new ModelFileException(path, $"tensor '{tensor.Name}' holds a value that is not finite (or too large for the network's element type) at index {index}.");
        }

        return value;
    }
}
