using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Backprop.Tests.Serialization;

/// <summary>Writes safetensors files byte by byte for the tests, independently of the runtime's writer.</summary>
internal sealed class SafetensorsFileBuilder
{
    private readonly List<(string Name, string DType, long[] Shape, byte[] Data)> _tensors = new();
    private readonly Dictionary<string, string> _metadata = new();

    public SafetensorsFileBuilder Add(string name, long[] shape, float[] values)
    {
        byte[] data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        }

        _tensors.Add((name, "F32", shape, data));
        return this;
    }

    public SafetensorsFileBuilder AddRaw(string name, string dtype, long[] shape, byte[] data)
    {
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    public SafetensorsFileBuilder Metadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    /// <summary>A file for an 8-4-1 network with biases (PyTorch layout), values i * 0.01 in order.</summary>
    public static SafetensorsFileBuilder TinyNet(string prefix = "layers.")
    {
        float[] Values(int count, int start) => Enumerable.Range(start, count).Select(i => i * 0.01f).ToArray();
        return new SafetensorsFileBuilder()
            .Add(prefix + "0.weight", new long[] { 4, 8 }, Values(32, 0))
            .Add(prefix + "0.bias", new long[] { 4 }, Values(4, 32))
            .Add(prefix + "1.weight", new long[] { 1, 4 }, Values(4, 36))
            .Add(prefix + "1.bias", new long[] { 1 }, Values(1, 40));
    }

    public byte[] Build()
    {
        var header = new StringBuilder("{");
        var parts = new List<string>();
        if (_metadata.Count > 0)
        {
            parts.Add("\"__metadata__\":{" + string.Join(",", _metadata.Select(pair => $"\"{pair.Key}\":\"{pair.Value}\"")) + "}");
        }

        long offset = 0;
        foreach ((string name, string dtype, long[] shape, byte[] data) in _tensors)
        {
            parts.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }

        header.Append(string.Join(",", parts)).Append('}');
        return Assemble(Encoding.UTF8.GetBytes(header.ToString()), _tensors.SelectMany(t => t.Data).ToArray());
    }

    public static byte[] Assemble(byte[] header, byte[] data)
    {
        byte[] file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    public static string WriteTemporary(byte[] contents)
    {
        string path = Path.Combine(Path.GetTempPath(), "backprop-tests-" + Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, contents);
        return path;
    }
}
