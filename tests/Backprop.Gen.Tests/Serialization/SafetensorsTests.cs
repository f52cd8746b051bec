using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Backprop.Tests.Serialization;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Save_then_load_restores_every_parameter_bit_for_bit()
    {
        var source = new DeepNet();
        source.Initialize(seed: 3);
        source.Parameters[^1] = 0.25f;
        string path = Path.Combine(_folder, "deep.safetensors");
        Safetensors.Save(source, path);

        var loaded = new DeepNet();
        Safetensors.Load(loaded, path);
        Assert.Equal(source.Parameters.ToArray(), loaded.Parameters.ToArray());

        var sourceDouble = new NoBiasNetDouble();
        sourceDouble.Initialize(seed: 4);
        Safetensors.Save(sourceDouble, path);
        var loadedDouble = new NoBiasNetDouble();
        Safetensors.Load(loadedDouble, path);
        Assert.Equal(sourceDouble.Parameters.ToArray(), loadedDouble.Parameters.ToArray());
    }

    [Fact]
    public void The_file_holds_nn_Linear_layout_and_describes_the_network()
    {
        var net = new TinyNet();
        net.Initialize(seed: 5);
        net.Parameters[33] = 0.5f;   // b1[1]
        string path = Path.Combine(_folder, "tiny.safetensors");
        Safetensors.Save(net, path);

        // Read back with System.Text.Json and plain byte arithmetic, not with the runtime's reader.
        byte[] file = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, (8 + headerLength) % 8);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, headerLength));
        JsonElement metadata = header.RootElement.GetProperty("__metadata__");
        Assert.Equal("8,4,1", metadata.GetProperty("layers").GetString());
        Assert.Equal("ReLU,Sigmoid", metadata.GetProperty("activations").GetString());
        Assert.Equal("MeanSquaredError", metadata.GetProperty("loss").GetString());
        Assert.Equal("float32", metadata.GetProperty("element_type").GetString());

        JsonElement w1 = header.RootElement.GetProperty("layers.0.weight");
        Assert.Equal("F32", w1.GetProperty("dtype").GetString());
        Assert.Equal(new[] { 4, 8 }, w1.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        int start = 8 + headerLength + w1.GetProperty("data_offsets")[0].GetInt32();
        for (int j = 0; j < 4; j++)
        {
            for (int k = 0; k < 8; k++)
            {
                // PyTorch weight[j, k] is our W1[k, j] = Parameters[k * 4 + j].
                Assert.Equal(net.Parameters[(k * 4) + j], BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(start + (((j * 8) + k) * 4))));
            }
        }

        JsonElement b1 = header.RootElement.GetProperty("layers.0.bias");
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(8 + headerLength + b1.GetProperty("data_offsets")[0].GetInt32() + 4)));
    }

    [Fact]
    public void Saving_the_same_network_twice_gives_identical_bytes()
    {
        var net = new SoftmaxNet();
        net.Initialize(seed: 6);
        Safetensors.Save(net, Path.Combine(_folder, "a.safetensors"));
        Safetensors.Save(net, Path.Combine(_folder, "b.safetensors"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "a.safetensors")), File.ReadAllBytes(Path.Combine(_folder, "b.safetensors")));
    }

    [Fact]
    public void An_interrupted_save_keeps_the_previous_file_and_leaves_no_temporary_file()
    {
        var net = new TinyNet();
        net.Initialize(seed: 1);
        string path = Path.Combine(_folder, "model.safetensors");
        Safetensors.Save(net, path);
        byte[] before = File.ReadAllBytes(path);

        net.Initialize(seed: 2);
        Assert.Throws<IOException>(() => Safetensors.SaveCore(net, path, stream => new FailingStream(stream, failAfter: 100)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Other_names_load_in_order_or_from_prefixes()
    {
        string sequential = Write(SafetensorsFileBuilder.TinyNet(prefix: string.Empty).Build());
        var inOrder = new TinyNet();
        Safetensors.Load(inOrder, sequential, SafetensorsNames.InOrder);
        var prefixed = new TinyNet();
        Safetensors.Load(prefixed, sequential, SafetensorsNames.FromPrefixes("0", "1"));
        var standard = new TinyNet();
        Safetensors.Load(standard, Write(SafetensorsFileBuilder.TinyNet().Build()));

        Assert.Equal(standard.Parameters.ToArray(), inOrder.Parameters.ToArray());
        Assert.Equal(standard.Parameters.ToArray(), prefixed.Parameters.ToArray());
        // PyTorch weight[j, k] = (j * 8 + k) * 0.01 lands at W1[k, j] = Parameters[k * 4 + j].
        Assert.Equal(((1 * 8) + 2) * 0.01f, standard.Parameters[(2 * 4) + 1]);
        Assert.Equal(0.32f, standard.Parameters[32]);
    }

    [Fact]
    public void In_order_compares_numbers_in_names_by_value()
    {
        // Written in alphabetical order, as the safetensors library does: "fc10" before "fc2".
        var file = new SafetensorsFileBuilder()
            .Add("fc10.weight", new long[] { 1, 4 }, new float[] { 5, 6, 7, 8 })
            .Add("fc10.bias", new long[] { 1 }, new float[] { 9 })
            .Add("fc2.weight", new long[] { 4, 8 }, Enumerable.Repeat(1f, 32).ToArray())
            .Add("fc2.bias", new long[] { 4 }, new float[] { 2, 2, 2, 2 });
        var net = new TinyNet();
        Safetensors.Load(net, Write(file.Build()), SafetensorsNames.InOrder);
        Assert.Equal(new float[] { 5, 6, 7, 8, 9 }, net.Parameters[36..].ToArray());
    }

    [Fact]
    public void Half_bfloat16_and_double_tensors_convert_to_the_element_type()
    {
        byte[] Half(float[] values) => values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();
        byte[] BFloat16(float[] values) => values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(v) >> 16))).ToArray();
        byte[] Doubles(double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
        float[] w1 = Enumerable.Range(0, 32).Select(i => i / 8f).ToArray();     // exact in half and bfloat16
        var file = new SafetensorsFileBuilder()
            .AddRaw("layers.0.weight", "F16", new long[] { 4, 8 }, Half(w1))
            .AddRaw("layers.0.bias", "BF16", new long[] { 4 }, BFloat16(new[] { 1.5f, -2f, 0.25f, 3f }))
            .AddRaw("layers.1.weight", "F64", new long[] { 1, 4 }, Doubles(new[] { 0.1, 0.2, 0.3, 1e-50 }))
            .AddRaw("layers.1.bias", "F64", new long[] { 1 }, Doubles(new[] { -0.7 }));
        var net = new TinyNet();
        Safetensors.Load(net, Write(file.Build()));
        Assert.Equal(w1[(3 * 8) + 5], net.Parameters[(5 * 4) + 3]);
        Assert.Equal(new[] { 1.5f, -2f, 0.25f, 3f }, net.Parameters[32..36].ToArray());
        Assert.Equal(new[] { 0.1f, 0.2f, 0.3f, 0f, -0.7f }, net.Parameters[36..].ToArray());   // rounded to nearest, like a cast
    }

    public static TheoryData<string, Func<byte[]>, string> Corruptions => new()
    {
        { "empty", () => Array.Empty<byte>(), "0 bytes long, too short for the 8-byte header length" },
        { "truncated length", () => new byte[] { 1, 2, 3 }, "3 bytes long" },
        { "header beyond file", () => Length(500).Concat(Encoding.UTF8.GetBytes("{}")).ToArray(), "says 500 bytes, but only 2 bytes follow" },
        { "huge header", () => Length(1UL << 40), "more than the format's limit" },
        { "not JSON", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("this is not json"), Array.Empty<byte>()), "not valid JSON" },
        { "not an object", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("[1, 2]"), Array.Empty<byte>()), "must be a JSON object" },
        { "unclosed", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"a\": {\"dtype\": \"F32"), Array.Empty<byte>()), "not valid JSON" },
        { "bad dtype", () => new SafetensorsFileBuilder().AddRaw("layers.0.weight", "I64", new long[] { 1 }, new byte[8]).Build(), "dtype 'I64'" },
        { "missing dtype", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}"), new byte[4]), "lacks dtype" },
        { "offsets beyond data", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}"), new byte[8]), "beyond the 8 bytes of data" },
        { "size mismatch", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"), new byte[8]), "(12 bytes), but its data_offsets cover 8 bytes" },
        { "reversed offsets", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}"), new byte[8]), "0 <= begin <= end" },
        { "huge shape", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"t\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,4]}}"), new byte[4]), "far larger than any file" },
        { "overlap", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"), new byte[12]), "overlap" },
        { "gap", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"), new byte[8]), "4 unused bytes before tensor 'a'" },
        { "trailing data", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), new byte[8]), "4 bytes after the last tensor" },
        { "duplicate name", () => SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"), new byte[8]), "names 'a' twice" },
        { "truncated data", () => SafetensorsFileBuilder.TinyNet().Build()[..^6], "beyond the" },
        { "missing tensor", () => new SafetensorsFileBuilder().Add("layers.0.weight", new long[] { 4, 8 }, new float[32]).Build(), "tensor 'layers.0.bias' (the biases of layer 0) is not in the file, which has: layers.0.weight" },
        { "wrong shape", () => new SafetensorsFileBuilder().Add("layers.0.weight", new long[] { 8, 4 }, new float[32]).Build(), "has shape [8, 4], but the network needs [4, 8]" },
        { "extra tensor", () => SafetensorsFileBuilder.TinyNet().Add("layers.2.weight", new long[] { 1, 1 }, new float[1]).Build(), "tensors the network does not use: layers.2.weight" },
        { "not finite", () => new SafetensorsFileBuilder().Add("layers.0.weight", new long[] { 4, 8 }, Enumerable.Repeat(float.NaN, 32).ToArray()).Build(), "not finite" },
        { "other network", () => SafetensorsFileBuilder.TinyNet().Metadata("format", "backprop-gen").Metadata("layers", "8,4,1").Metadata("activations", "Tanh,Sigmoid").Metadata("loss", "MeanSquaredError").Metadata("bias", "true").Build(), "activations [Tanh,Sigmoid], loss MeanSquaredError, bias true, but this network has layers [8,4,1], activations [ReLU,Sigmoid]" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_damaged_or_mismatched_file_is_refused_with_its_reason_and_changes_nothing(string name, Func<byte[]> contents, string reason)
    {
        var net = new TinyNet();
        net.Initialize(seed: 9);
        float[] before = net.Parameters.ToArray();
        string path = Write(contents());

        var exception = Assert.Throws<ModelFileException>(() => Safetensors.Load(net, path));
        Assert.True(exception.Message.Contains(reason, StringComparison.Ordinal), $"{name}: {exception.Message}");
        Assert.Equal(path, exception.FilePath);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Declared_sizes_are_never_trusted_for_allocation()
    {
        // A 100-byte file that claims a 4-terabyte tensor: refused, having allocated about the file's size.
        string path = Write(SafetensorsFileBuilder.Assemble(Encoding.UTF8.GetBytes("{\"t\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,4398046511104]}}"), new byte[16]));
        var net = new TinyNet();
        Assert.Throws<ModelFileException>(() => Safetensors.Load(net, path));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ModelFileException>(() => Safetensors.Load(net, path));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }

    [Fact]
    public void A_missing_file_is_reported_as_a_model_file_problem()
    {
        var exception = Assert.Throws<ModelFileException>(() => Safetensors.Load(new TinyNet(), Path.Combine(_folder, "absent.safetensors")));
        Assert.IsType<FileNotFoundException>(exception.InnerException);
    }

    private static byte[] Length(ulong length)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        return bytes;
    }

    private string Write(byte[] contents)
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, contents);
        return path;
    }
}
