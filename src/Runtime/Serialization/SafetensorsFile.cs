using System;
using System.Collections.Generic;
using System.Globalization;

namespace Backprop.Serialization;

/// <summary>One tensor entry of a safetensors header, validated against the file.</summary>
internal sealed class SafetensorsTensor
{
    public SafetensorsTensor(string name, string dtype, long[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public string DType { get; }

    public long[] Shape { get; }

    /// <summary>Start of the tensor's bytes, relative to the start of the data section.</summary>
    public long Begin { get; }

    public long End { get; }

    public string ShapeText => "[" + SafetensorsFile.JoinShape(Shape) + "]";
}

/// <summary>
/// A parsed and fully validated safetensors file: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to <c>{dtype, shape, data_offsets}</c> (plus an optional <c>__metadata__</c> map of strings), then the
/// raw little-endian data. Every declared size is checked against the actual file before anything is allocated from
/// it, and each kind of damage gets its own message. The header's JSON is read by <see cref="JsonHeaderReader"/>. This
/// file compiles into the runtime and the generator alike, so it sticks to what .NET Standard 2.0 offers.
/// </summary>
internal sealed class SafetensorsFile
{
    /// <summary>The largest header accepted (the format's own limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private SafetensorsFile(List<SafetensorsTensor> tensors, Dictionary<string, string> metadata, int dataStart)
    {
        Tensors = tensors;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Where the data section starts in the file.</summary>
    public int DataStart { get; }

    public static string JoinShape(long[] shape) => string.Join(", ", System.Linq.Enumerable.Select(shape, dimension => dimension.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Parses and validates <paramref name="file"/>; throws <see cref="FormatException"/> describing the first problem.</summary>
    public static SafetensorsFile Parse(byte[] file)
    {
        if (file.Length < 8)
        {
            throw new FormatException($"The file is {file.Length} bytes long, too short for the 8-byte header length that starts every safetensors file.");
        }

        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--)
        {
            headerLength = (headerLength << 8) | file[i];
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new FormatException($"The header length field says {headerLength} bytes, more than the format's limit of {MaxHeaderLength}: the file is damaged or not a safetensors file.");
        }

        if ((long)headerLength > file.Length - 8)
        {
            throw new FormatException($"The header length field says {headerLength} bytes, but only {file.Length - 8} bytes follow it: the file is truncated or not a safetensors file.");
        }

        int dataStart = 8 + (int)headerLength;
        object? root;
        try
        {
            root = new JsonHeaderReader(file, 8, dataStart).ParseDocument();
        }
        catch (FormatException exception)
        {
            throw new FormatException("The header is not valid JSON: " + exception.Message);
        }

        if (root is not List<KeyValuePair<string, object?>> entries)
        {
            throw new FormatException("The header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}.");
        }

        long dataLength = file.Length - dataStart;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<SafetensorsTensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> entry in entries)
        {
            if (!names.Add(entry.Key))
            {
                throw new FormatException($"The header names '{entry.Key}' twice.");
            }

            if (entry.Key == SafetensorsConventions.MetadataEntry)
            {
                ReadMetadata(entry.Value, metadata);
                continue;
            }

            tensors.Add(ReadTensor(entry.Key, entry.Value, dataLength));
        }

        CheckLayout(tensors, dataLength);
        return new SafetensorsFile(tensors, metadata, dataStart);
    }

    private static void ReadMetadata(object? value, Dictionary<string, string> metadata)
    {
        if (value is not List<KeyValuePair<string, object?>> pairs)
        {
            throw new FormatException("__metadata__ must be a JSON object of strings.");
        }

        foreach (KeyValuePair<string, object?> pair in pairs)
        {
            metadata[pair.Key] = pair.Value as string ?? throw new FormatException($"__metadata__ entry '{pair.Key}' must be a string.");
        }
    }

    private static SafetensorsTensor ReadTensor(string name, object? value, long dataLength)
    {
        if (value is not List<KeyValuePair<string, object?>> fields)
        {
            throw new FormatException($"Tensor '{name}' must be a JSON object with dtype, shape and data_offsets.");
        }

        string? dtype = null;
        List<object?>? shape = null;
        List<object?>? offsets = null;
        foreach (KeyValuePair<string, object?> field in fields)
        {
            switch (field.Key)
            {
                case "dtype":
                    dtype = field.Value as string ?? throw new FormatException($"Tensor '{name}': dtype must be a string.");
                    break;
                case "shape":
                    shape = field.Value as List<object?> ?? throw new FormatException($"Tensor '{name}': shape must be an array of integers.");
                    break;
                case "data_offsets":
                    offsets = field.Value as List<object?> ?? throw new FormatException($"Tensor '{name}': data_offsets must be an array of two integers.");
                    break;
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            throw new FormatException($"Tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}.");
        }

        int elementSize = SafetensorsConventions.ElementSize(dtype);
        if (elementSize == 0)
        {
            throw new FormatException($"Tensor '{name}' has dtype '{dtype}', which cannot hold network parameters: supported are F16, BF16, F32 and F64.");
        }

        var dimensions = new long[shape.Count];
        long count = 1;
        for (int i = 0; i < shape.Count; i++)
        {
            dimensions[i] = shape[i] is long dimension && dimension >= 0
                ? dimension
                : throw new FormatException($"Tensor '{name}': shape entries must be non-negative integers.");
            if (dimensions[i] != 0 && count > (long.MaxValue / 8) / dimensions[i])
            {
                throw new FormatException($"Tensor '{name}' declares a shape far larger than any file.");
            }

            count *= dimensions[i];
        }

        if (offsets.Count != 2 || offsets[0] is not long begin || offsets[1] is not long end || begin < 0 || end < begin)
        {
            throw new FormatException($"Tensor '{name}': data_offsets must be two integers [begin, end] with 0 <= begin <= end.");
        }

        if (end > dataLength)
        {
            throw new FormatException($"Tensor '{name}' has data_offsets [{begin}, {end}], beyond the {dataLength} bytes of data in the file: the file is truncated or damaged.");
        }

        if (count * elementSize != end - begin)
        {
            throw new FormatException($"Tensor '{name}' declares shape [{JoinShape(dimensions)}] of {dtype} ({count * elementSize} bytes), but its data_offsets cover {end - begin} bytes.");
        }

        return new SafetensorsTensor(name, dtype, dimensions, begin, end);
    }

    // The data must be covered exactly once: no overlaps, no gaps, nothing left over.
    private static void CheckLayout(List<SafetensorsTensor> tensors, long dataLength)
    {
        var byStart = new List<SafetensorsTensor>(tensors);
        byStart.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        SafetensorsTensor? previous = null;
        foreach (SafetensorsTensor tensor in byStart)
        {
            if (tensor.Begin < position)
            {
                throw new FormatException($"Tensors '{previous!.Name}' and '{tensor.Name}' overlap in the data (bytes {tensor.Begin} to {position}).");
            }

            if (tensor.Begin > position)
            {
                throw new FormatException($"The data has {tensor.Begin - position} unused bytes before tensor '{tensor.Name}'.");
            }

            position = tensor.End;
            previous = tensor;
        }

        if (position != dataLength)
        {
            throw new FormatException($"The data has {dataLength - position} bytes after the last tensor that no tensor uses.");
        }
    }
}
