using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Backprop.Generator.Tests;

/// <summary>
/// Build-time weights files as the generator receives them: an AdditionalFiles item <c>model.safetensors.b64</c>, the
/// base64 text Backprop.Gen.targets writes for <c>model.safetensors</c>. Used by the weights and the caching tests.
/// </summary>
internal static class EncodedWeights
{
    /// <summary>The additional text for <paramref name="file"/>, as a network declared with <c>Weights = "model.safetensors"</c> reads it.</summary>
    public static AdditionalText Encode(byte[] file) => new InMemoryAdditionalText("obj/backprop/model.safetensors.b64", Convert.ToBase64String(file));

    /// <summary>
    /// A safetensors file for a 2 -> 3 -> 1 network in nn.Linear layout (<c>layers.0.weight</c> [3, 2] or
    /// <paramref name="firstShape"/>, <c>layers.0.bias</c>, <c>layers.1.weight</c>, <c>layers.1.bias</c>): value i of the
    /// file, in file order, is <paramref name="values"/>(i), stored as <paramref name="dtype"/>, after <paramref name="metadata"/>.
    /// </summary>
    public static byte[] Tiny(Func<int, double> values, int[]? firstShape = null, string metadata = "", string dtype = "F32")
    {
        int[] shape0 = firstShape ?? new[] { 3, 2 };
        (string Name, int[] Shape)[] tensors = { ("layers.0.weight", shape0), ("layers.0.bias", new[] { 3 }), ("layers.1.weight", new[] { 1, 3 }), ("layers.1.bias", new[] { 1 }) };
        int size = dtype == "F64" ? 8 : 4;
        var header = new StringBuilder("{" + metadata);
        int offset = 0;
        int total = 0;
        foreach ((string name, int[] shape) in tensors)
        {
            int bytes = shape.Aggregate(1, (a, b) => a * b) * size;
            header.Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}},");
            offset += bytes;
            total += bytes / size;
        }

        header.Length--;
        header.Append('}');
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        byte[] file = new byte[8 + headerBytes.Length + (total * size)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        for (int i = 0; i < total; i++)
        {
            Span<byte> destination = file.AsSpan(8 + headerBytes.Length + (i * size));
            if (size == 8)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(destination, values(i));
            }
            else
            {
                BinaryPrimitives.WriteSingleLittleEndian(destination, (float)values(i));
            }
        }

        return file;
    }
}
