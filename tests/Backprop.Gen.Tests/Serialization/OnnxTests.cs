using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Backprop;
using Backprop.Serialization.OnnxFormat;
using Backprop.Testing;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// ONNX models both ways: the MLPs torch.onnx.export writes (Fixtures/Onnx, make_onnx.py) load and predict as PyTorch
/// did; models saved here run in ONNX Runtime with our predictions; hand-built models cover the other encodings, and
/// every fault is a <see cref="ModelFileException"/> that names what is wrong and leaves the network unchanged.
/// </summary>
public sealed class OnnxTests : IDisposable
{
    // Normwise relative error (Tolerance.RelativeError). Float: a few float32 ulps from different operation orders and
    // exp/tanh implementations, as in PyTorchInteropTests. Double: double rounding only.
    private const double FloatTolerance = 1e-6;
    private const double DoubleTolerance = 1e-12;

    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-onnx-").FullName;
    private readonly ITestOutputHelper _output;

    public OnnxTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Fixtures => new()
    {
        "gemm_relu_sigmoid", "gemm_tanh_leaky_softmax", "gemm_logits_as_softmax", "gemm_logits_as_sigmoid", "gemm_nobias",
        "gemm_flatten_dropout", "gemm_double", "matmul_add", "matmul_nobias_double",
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_model_exported_by_PyTorch_loads_and_predicts_as_PyTorch_did(string name)
    {
        OnnxFixture fixture = OnnxFixture.Load(name);
        IOnnxSubject net = OnnxSubjects.ForFixture(name);
        Assert.Equal(fixture.Layers, net.Architecture.LayerSizes.ToArray());
        Assert.Equal(fixture.Activations, net.Architecture.Activations.ToArray().Select(activation => activation.ToString()));
        Assert.Equal(fixture.Bias, net.Architecture.HasBias);
        Assert.Equal(fixture.ElementType == "float32", net.Single);

        net.Load(OnnxFixture.ModelPath(name));
        double error = Tolerance.RelativeError<double, double>(net.Predict(fixture.Inputs), fixture.Outputs);

        _output.WriteLine($"{name} ({fixture.Form}, {fixture.ElementType}): relative error against PyTorch {error:E2}");
        double tolerance = net.Single ? FloatTolerance : DoubleTolerance;
        Assert.True(error <= tolerance, $"{name}: predictions differ from PyTorch's by {error:E3} > {tolerance:E0}.");
    }

    [Theory]
    [InlineData("gemm_relu_sigmoid", "Gemm,Relu,Gemm,Sigmoid")]
    [InlineData("gemm_nobias", "MatMul,Relu,MatMul")] // nn.Linear(bias=False) exports as MatMul with W^T stored.
    [InlineData("gemm_flatten_dropout", "Flatten,Gemm,LeakyRelu,Gemm,Tanh")]
    [InlineData("matmul_add", "MatMul,Add,Relu,MatMul,Add,Sigmoid,MatMul,Add")]
    [InlineData("matmul_nobias_double", "MatMul,Tanh,MatMul,Softmax")]
    public void The_fixtures_hold_the_export_forms_they_are_named_for(string name, string operators)
    {
        // So that each form above is really exercised: the nodes torch.onnx.export wrote, in order.
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(OnnxFixture.ModelPath(name)));
        Assert.Equal(operators, string.Join(",", model.Graph.Node.Select(node => node.OpType)));
    }

    // ONNX Runtime's CPU provider has LeakyRelu for float only, so the double network it runs has the other activations;
    // a double LeakyReLU network saves a standard LeakyRelu node all the same (the round trip below).
    public static TheoryData<string> SavedNetworks => new() { "every activation, float", "all but LeakyReLU, double", "no biases" };

    public static TheoryData<string> RoundTrips => new() { "every activation, float", "every activation, double", "no biases" };

    [Theory]
    [MemberData(nameof(SavedNetworks))]
    public void A_saved_model_runs_in_ONNX_Runtime_with_our_predictions(string which)
    {
        IOnnxSubject net = Saved(which);
        net.Initialize(seed: 5);
        string path = Path.Combine(_folder, "saved.onnx");
        net.Save(path);
        int width = net.Architecture.LayerSizes[0];
        int rows = 7;
        double[] inputs = Tolerance.Uniform(new Random(11), rows * width, 2.0);

        double[] ours = net.Predict(inputs);
        double[] theirs = RunInOnnxRuntime(path, inputs, rows, width, net.Architecture.LayerSizes[^1], net.Single);
        double error = Tolerance.RelativeError<double, double>(ours, theirs);

        _output.WriteLine($"{which}: relative error against ONNX Runtime {error:E2}");
        double tolerance = net.Single ? FloatTolerance : DoubleTolerance;
        Assert.True(error <= tolerance, $"{which}: ONNX Runtime's predictions differ from ours by {error:E3} > {tolerance:E0}.");
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void A_saved_model_loads_back_bit_for_bit(string which)
    {
        IOnnxSubject saved = Saved(which);
        saved.Initialize(seed: 8);
        string path = Path.Combine(_folder, "roundtrip.onnx");
        saved.Save(path);
        IOnnxSubject loaded = Saved(which);

        loaded.Load(path);

        Assert.Equal(saved.Parameters, loaded.Parameters);
    }

    [Fact]
    public void A_saved_model_is_an_opset_13_chain_with_a_dynamic_batch_and_the_declaration_in_its_metadata()
    {
        var net = new OnnxTanhLeakySoftmax();
        net.Initialize(seed: 1);
        string path = Path.Combine(_folder, "described.onnx");
        Onnx.Save(net, path);

        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(13, model.OpsetImport.Single(opset => opset.Domain == "").Version);
        Assert.Equal("Gemm,Tanh,Gemm,LeakyRelu,Gemm,Softmax", string.Join(",", model.Graph.Node.Select(node => node.OpType)));
        TensorShapeProto input = model.Graph.Input.Single().Type.TensorType.Shape;
        Assert.Equal("batch", input.Dim[0].DimParam);
        Assert.Equal(5, input.Dim[1].DimValue);
        Dictionary<string, string> metadata = model.MetadataProps.ToDictionary(entry => entry.Key, entry => entry.Value);
        Assert.Equal("5,7,6,4", metadata["layers"]);
        Assert.Equal("Tanh,LeakyReLU,Softmax", metadata["activations"]);
        Assert.Equal("CrossEntropy", metadata["loss"]);
        Assert.Equal("float32", metadata["element_type"]);
    }

    public static TheoryData<string, Func<byte[]>> Encodings => new()
    {
        { "raw float32, transB = 1 (PyTorch)", () => OnnxModelBuilder.ReluSigmoid().Build() },
        { "typed float_data", () => OnnxModelBuilder.ReluSigmoid().With(b => Retype(b, tensor => { tensor.FloatData.Add(Floats(tensor)); tensor.ClearRawData(); })).Build() },
        { "typed double_data", () => OnnxModelBuilder.ReluSigmoid().With(b => Retype(b, tensor => { tensor.DoubleData.Add(Floats(tensor).Select(v => (double)v)); tensor.DataType = 11; tensor.ClearRawData(); })).Build() },
        { "raw float64", () => OnnxModelBuilder.ReluSigmoid().With(b => Retype(b, tensor => { tensor.RawData = ByteString.CopyFrom(Floats(tensor).SelectMany(v => BitConverter.GetBytes((double)v)).ToArray()); tensor.DataType = 11; })).Build() },
        { "transB = 0, [in, out] weights", () => OnnxModelBuilder.ReluSigmoid().With(b =>
            {
                TransposeWeights(b, "w0", 6, 4);
                TransposeWeights(b, "w1", 3, 6);
            }).Build() },
        { "MatMul + Add, bias first, biases [1, n]", () => OnnxModelBuilder.ReluSigmoid().With(b =>
            {
                TransposeWeights(b, "w0", 6, 4);
                NodeProto gemm = b.NodeNamed("fc0");
                gemm.OpType = "MatMul";
                gemm.Attribute.Clear();
                gemm.Input.RemoveAt(2);
                gemm.Output[0] = "p0";
                b.Graph.Node.Insert(1, new NodeProto { Name = "bias0", OpType = "Add", Input = { "b0", "p0" }, Output = { "h0" } });
                b.TensorNamed("b0").Dims.Clear();
                b.TensorNamed("b0").Dims.Add(new long[] { 1, 6 });
            }).Build() },
        { "Identity and Dropout nodes", () => OnnxModelBuilder.ReluSigmoid().With(b =>
            {
                b.NodeNamed("relu").Output[0] = "r0";
                b.Graph.Node.Insert(2, new NodeProto { Name = "keep", OpType = "Identity", Input = { "r0" }, Output = { "d0" } });
                b.Graph.Node.Insert(3, new NodeProto { Name = "drop", OpType = "Dropout", Input = { "d0" }, Output = { "a0", "mask" } });
            }).Build() },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Every_encoding_of_the_same_weights_loads_the_same_parameters(string encoding, Func<byte[]> contents)
    {
        var net = new OnnxReluSigmoid();

        Onnx.Load(net, Write(contents()));

        Assert.True(OnnxModelBuilder.ReluSigmoidParameters().SequenceEqual(net.Parameters.ToArray()), encoding);
    }

    [Theory]
    [InlineData("FLOAT16, raw_data", 10, false)]
    [InlineData("FLOAT16, int32_data", 10, true)]
    [InlineData("BFLOAT16, raw_data", 16, false)]
    public void Half_precision_weights_widen_exactly(string encoding, int dataType, bool typed)
    {
        byte[] contents = OnnxModelBuilder.ReluSigmoid().With(b => Retype(b, tensor =>
        {
            ushort[] bits = Floats(tensor).Select(v => dataType == 10 ? BitConverter.HalfToUInt16Bits((Half)v) : (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray();
            tensor.DataType = dataType;
            if (typed)
            {
                tensor.Int32Data.Add(bits.Select(value => (int)value));
                tensor.ClearRawData();
            }
            else
            {
                tensor.RawData = ByteString.CopyFrom(bits.SelectMany(BitConverter.GetBytes).ToArray());
            }
        })).Build();
        var net = new OnnxReluSigmoid();

        Onnx.Load(net, Write(contents));

        // bfloat16 keeps the upper half of a float (truncation); float16 rounds to nearest, ties to even.
        float[] expected = OnnxModelBuilder.ReluSigmoidParameters()
            .Select(v => dataType == 10 ? (float)(Half)v : BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000u)).ToArray();
        Assert.True(expected.SequenceEqual(net.Parameters.ToArray()), encoding);
    }

    public static TheoryData<string, Func<byte[]>, string> Faults => new()
    {
        { "empty file", () => Array.Empty<byte>(), "has no graph" },
        { "not protobuf", () => "this is not a model"u8.ToArray(), "not a valid ONNX model" },
        { "truncated", () => OnnxModelBuilder.ReluSigmoid().Build()[..^9], "not a valid ONNX model" },
        { "another operator", () => OnnxModelBuilder.ReluSigmoid().With(b => b.NodeNamed("relu").OpType = "Elu").Build(), "node 'relu' (Elu) is not supported" },
        { "another domain", () => OnnxModelBuilder.ReluSigmoid().With(b => b.NodeNamed("relu").Domain = "com.microsoft").Build(), "node 'relu' (Relu) is from operator domain 'com.microsoft'" },
        { "branch", () => OnnxModelBuilder.ReluSigmoid().With(b => b.NodeNamed("fc1").Input[0] = "h0").Build(), "node 'fc1' (Gemm) takes 'h0', but a chain's next node takes only the previous node's output 'a0'" },
        { "second input", () => OnnxModelBuilder.ReluSigmoid().Input("mask", 4).Build(), "the graph has 2 inputs ('x', 'mask')" },
        { "computed weights", () => OnnxModelBuilder.ReluSigmoid().With(b => b.Graph.Initializer.Remove(b.TensorNamed("w1"))).Build(), "node 'fc1' (Gemm) takes 'a0', 'w1'" },
        { "LeakyRelu slope", () => OnnxModelBuilder.ReluSigmoid().With(b =>
            {
                b.NodeNamed("relu").OpType = "LeakyRelu";
                b.NodeNamed("relu").Attribute.Add(new AttributeProto { Name = "alpha", F = 0.2f, Type = AttributeProto.Types.AttributeType.Float });
            }).Build(), "node 'relu' (LeakyRelu) has alpha = 0.2, but LeakyReLU here has slope 0.01" },
        { "other activation", () => OnnxModelBuilder.ReluSigmoid().With(b => b.NodeNamed("relu").OpType = "Tanh").Build(), "layer 0 (node 'fc0' (Gemm)) is followed by Tanh, but the network declares ReLU" },
        { "missing activation", () => OnnxModelBuilder.ReluSigmoid().With(b => b.Graph.Node.Remove(b.NodeNamed("sigmoid"))).Build(), "the graph's output is 'y', but its last node gives 'h1'" },
        { "two activations", () => OnnxModelBuilder.ReluSigmoid().With(b =>
            {
                b.NodeNamed("relu").Output[0] = "r0";
                b.Graph.Node.Insert(2, new NodeProto { Name = "again", OpType = "Relu", Input = { "r0" }, Output = { "a0" } });
            }).Build(), "node 'again' (Relu) follows another activation" },
        { "transposed input", () => OnnxModelBuilder.ReluSigmoid().With(b => b.NodeNamed("fc0").Attribute.Add(new AttributeProto { Name = "transA", I = 1, Type = AttributeProto.Types.AttributeType.Int })).Build(), "node 'fc0' (Gemm) has transA = 1" },
        { "scaled product", () => OnnxModelBuilder.ReluSigmoid().With(b => b.NodeNamed("fc0").Attribute.Add(new AttributeProto { Name = "alpha", F = 2, Type = AttributeProto.Types.AttributeType.Float })).Build(), "node 'fc0' (Gemm) has alpha = 2" },
        { "wrong shape", () => OnnxModelBuilder.ReluSigmoid().With(b => { b.TensorNamed("w0").Dims[0] = 4; b.TensorNamed("w0").Dims[1] = 6; }).Build(), "node 'fc0' (Gemm): weights 'w0' have shape [4, 6], but layer 0 (4 -> 6) needs [6, 4] (transB = 1: [out, in])" },
        { "more layers", () => FromFixture("matmul_add"), "the graph has 3 dense layers, but the network declares 2 (4-6-3)" },
        { "missing biases", () => FromFixture("gemm_nobias"), "has no biases, but the network is declared with them" },
        { "short raw_data", () => OnnxModelBuilder.ReluSigmoid().With(b => b.TensorNamed("w1").RawData = ByteString.CopyFrom(new byte[70])).Build(), "tensor 'w1' holds 70 bytes, but 18 values of F32 take 72" },
        { "short float_data", () => OnnxModelBuilder.ReluSigmoid().With(b => { b.TensorNamed("b1").ClearRawData(); b.TensorNamed("b1").FloatData.Add(1f); }).Build(), "tensor 'b1' holds 1 values, but its shape needs 3" },
        { "integer weights", () => OnnxModelBuilder.ReluSigmoid().With(b => b.TensorNamed("w0").DataType = 7).Build(), "has element type INT64, but parameters must be FLOAT, DOUBLE, FLOAT16 or BFLOAT16" },
        { "external data", () => OnnxModelBuilder.ReluSigmoid().With(b => b.TensorNamed("w0").ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" })).Build(), "stored in an external file" },
        { "not finite", () => OnnxModelBuilder.ReluSigmoid().With(b => b.TensorNamed("b0").RawData = ByteString.CopyFrom(Enumerable.Repeat(BitConverter.GetBytes(float.NaN), 6).SelectMany(x => x).ToArray())).Build(), "tensor 'b0' holds a value that is not finite at index 0" },
        { "beyond float", () => OnnxModelBuilder.ReluSigmoid().With(b => Retype(b, tensor => { tensor.DoubleData.Add(Floats(tensor).Select(v => v * 1e300)); tensor.DataType = 11; tensor.ClearRawData(); })).Build(), "beyond the range of the network's element type" },
        { "other network saved here", () => SavedBy(OnnxSubjects.Double(new OnnxDouble())), "the file holds a network with layers [4,6,3], activations [Tanh,Sigmoid], loss MeanSquaredError, bias true, but this network has layers [4,6,3], activations [ReLU,Sigmoid]" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_damaged_or_mismatched_model_is_refused_with_its_reason_and_changes_nothing(string fault, Func<byte[]> contents, string reason)
    {
        var net = new OnnxReluSigmoid();
        net.Initialize(seed: 9);
        float[] before = net.Parameters.ToArray();
        string path = Write(contents());

        var exception = Assert.Throws<ModelFileException>(() => Onnx.Load(net, path));

        _output.WriteLine($"{fault}: {exception.Message}");
        Assert.True(exception.Message.Contains(reason, StringComparison.Ordinal), $"{fault}: {exception.Message}");
        Assert.Equal(path, exception.FilePath);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Declared_sizes_are_never_trusted_for_allocation()
    {
        // A 40-byte file whose graph claims a 2-GiB initializer (raw_data's length prefix): refused, having allocated
        // about the file's size, not the size it declares.
        byte[] tensor = [0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, 3, 4]; // raw_data (field 9), length 2^31 - 1, 4 bytes.
        byte[] graph = [0x2A, (byte)tensor.Length, .. tensor]; // GraphProto.initializer (field 5)
        byte[] model = [0x3A, (byte)graph.Length, .. graph]; // ModelProto.graph (field 7)
        string path = Write(model);
        var net = new OnnxReluSigmoid();
        Assert.Throws<ModelFileException>(() => Onnx.Load(net, path));
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<ModelFileException>(() => Onnx.Load(net, path));

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }

    [Fact]
    public void A_missing_file_is_reported_as_a_model_file_problem()
    {
        var exception = Assert.Throws<ModelFileException>(() => Onnx.Load(new OnnxReluSigmoid(), Path.Combine(_folder, "absent.onnx")));
        Assert.IsType<FileNotFoundException>(exception.InnerException);
    }

    [Fact]
    public void A_save_that_fails_part_way_leaves_the_previous_file_intact()
    {
        var net = new OnnxReluSigmoid();
        net.Initialize(seed: 1);
        string path = Path.Combine(_folder, "kept.onnx");
        Onnx.Save(net, path);
        byte[] previous = File.ReadAllBytes(path);
        net.Initialize(seed: 2);

        Assert.Throws<IOException>(() => Onnx.SaveCore(net, path, stream => new FailingStream(stream, failAfter: 100)));

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Mutated_models_load_cleanly_or_are_refused_and_change_nothing()
    {
        // Every mutation of real models (PyTorch's Gemm and MatMul exports, one saved here) either loads or is a
        // ModelFileException with the parameters untouched: never another exception type, a crash or a hang.
        var random = new Random(2026);
        var sources = new (string Name, byte[] Bytes, Func<IOnnxSubject> Network)[]
        {
            ("gemm_relu_sigmoid", File.ReadAllBytes(OnnxFixture.ModelPath("gemm_relu_sigmoid")), () => OnnxSubjects.ForFixture("gemm_relu_sigmoid")),
            ("matmul_add", File.ReadAllBytes(OnnxFixture.ModelPath("matmul_add")), () => OnnxSubjects.ForFixture("matmul_add")),
            ("saved here", SavedBy(OnnxSubjects.Float(new OnnxReluSigmoid())), () => OnnxSubjects.ForFixture("gemm_relu_sigmoid")),
        };
        int loaded = 0, refused = 0;
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        string path = Path.Combine(_folder, "mutated.onnx");
        for (int trial = 0; trial < 3000; trial++)
        {
            var (name, source, network) = sources[trial % sources.Length];
            byte[] mutated = Mutate(source, random);
            File.WriteAllBytes(path, mutated);
            IOnnxSubject net = network();
            net.Initialize(seed: trial);
            double[] before = net.Parameters;
            try
            {
                net.Load(path);
                loaded++;
            }
            catch (ModelFileException exception)
            {
                refused++;
                Assert.Equal(before, net.Parameters);
                string reason = exception.Message[(exception.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..];
                reason = reason.Length > 48 ? reason[..48] : reason;
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
            catch (Exception exception)
            {
                Assert.Fail($"Trial {trial} ({name}): {exception.GetType().Name}: {exception.Message}");
            }
        }

        _output.WriteLine($"3000 mutations: {loaded} loaded, {refused} refused");
        foreach ((string reason, int count) in reasons.OrderByDescending(pair => pair.Value).Take(15))
        {
            _output.WriteLine($"{count,5}  {reason}");
        }

        Assert.True(loaded > 0 && refused > 1000, $"{loaded} loaded, {refused} refused: the mutations should exercise both outcomes.");
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        byte[] bytes = (byte[])source.Clone();
        switch (random.Next(5))
        {
            case 0: // Flip one to four bits anywhere.
                for (int flips = random.Next(1, 5); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1: // Truncate.
                return bytes[..random.Next(bytes.Length)];
            case 2: // Overwrite a byte with a boundary value (lengths, tags, varint continuation).
                bytes[random.Next(bytes.Length)] = new byte[] { 0x00, 0x7F, 0x80, 0xFF, 0x08, 0x0A, 0x12 }[random.Next(7)];
                return bytes;
            case 3: // Insert random bytes.
            {
                int at = random.Next(bytes.Length);
                byte[] inserted = new byte[random.Next(1, 9)];
                random.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            }

            default: // Duplicate a slice (repeated fields, doubled messages).
            {
                int at = random.Next(bytes.Length);
                int length = random.Next(1, Math.Min(64, bytes.Length - at) + 1);
                return [.. bytes[..(at + length)], .. bytes[at..]];
            }
        }
    }

    private static IOnnxSubject Saved(string which) => which switch
    {
        "every activation, float" => OnnxSubjects.Float(new OnnxEveryActivation()),
        "every activation, double" => OnnxSubjects.Double(new OnnxEveryActivationDouble()),
        "all but LeakyReLU, double" => OnnxSubjects.Double(new OnnxDoubleForOnnxRuntime()),
        "no biases" => OnnxSubjects.Float(new OnnxSavedNoBias()),
        _ => throw new ArgumentException(which, nameof(which)),
    };

    private static double[] RunInOnnxRuntime(string path, double[] inputs, int rows, int width, int outputs, bool single)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        using var runOptions = new RunOptions();
        long[] shape = [rows, width];
        using OrtValue input = single
            ? OrtValue.CreateTensorValueFromMemory(inputs.Select(value => (float)value).ToArray(), shape)
            : OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, new[] { "input" }, new[] { input }, session.OutputNames);
        double[] values = single
            ? results[0].GetTensorDataAsSpan<float>().ToArray().Select(value => (double)value).ToArray()
            : results[0].GetTensorDataAsSpan<double>().ToArray();
        Assert.Equal(rows * outputs, values.Length);
        return values;
    }

    private static void Retype(OnnxModelBuilder builder, Action<TensorProto> edit)
    {
        foreach (TensorProto tensor in builder.Graph.Initializer)
        {
            edit(tensor);
        }
    }

    private static float[] Floats(TensorProto tensor) =>
        Enumerable.Range(0, tensor.RawData.Length / 4).Select(i => BitConverter.ToSingle(tensor.RawData.Span.Slice(i * 4, 4))).ToArray();

    private static void TransposeWeights(OnnxModelBuilder builder, string name, int rows, int columns)
    {
        TensorProto weight = builder.TensorNamed(name);
        TensorProto transposed = OnnxModelBuilder.FloatTensor(name, new long[] { columns, rows }, OnnxModelBuilder.Transpose(Floats(weight), rows, columns));
        builder.Graph.Initializer[builder.Graph.Initializer.IndexOf(weight)] = transposed;
        NodeProto node = builder.Graph.Node.Single(candidate => candidate.Input.Contains(name));
        node.Attribute.Clear();
    }

    private static byte[] FromFixture(string name) => File.ReadAllBytes(OnnxFixture.ModelPath(name));

    private static byte[] SavedBy(IOnnxSubject network)
    {
        network.Initialize(seed: 4);
        string path = Path.Combine(Path.GetTempPath(), $"backprop-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            network.Save(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private string Write(byte[] contents)
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".onnx");
        File.WriteAllBytes(path, contents);
        return path;
    }
}
