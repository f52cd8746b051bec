using System;
using System.Globalization;
using System.IO;
using System.Numerics;
using Backprop.Serialization;
using Google.Protobuf;

namespace Backprop;

/// <summary>
/// Saves any generated network as an ONNX model that ONNX Runtime (and ML.NET, Windows ML) runs, and loads the weights
/// of the ONNX MLPs that PyTorch (<c>torch.onnx.export</c>), Keras (tf2onnx) and scikit-learn (skl2onnx) export.
/// </summary>
/// <remarks>
/// <para>A model loads when its graph is a chain of dense layers that matches the declaration: each layer a <c>Gemm</c>
/// (<c>transB</c> 0 or 1, <c>alpha</c> and <c>beta</c> 1) or a <c>MatMul</c> followed by the <c>Add</c> of its biases,
/// with weights and biases stored as initializers (float, double, float16 or bfloat16), then at most one of
/// <c>Relu</c>, <c>Sigmoid</c>, <c>Tanh</c>, <c>LeakyRelu</c> (alpha 0.01) or <c>Softmax</c> over each row; <c>Identity</c>,
/// <c>Dropout</c> and a leading <c>Flatten</c> are skipped. A graph that ends in logits (no activation after the last
/// layer) loads into a declaration that ends in Softmax with cross-entropy or Sigmoid with binary cross-entropy, which is
/// how classifiers trained with a fused loss are exported.</para>
/// <para>Anything else, and any damaged file, is a <see cref="ModelFileException"/> that names the node and what was
/// expected; the whole file is checked before a single parameter is written, so a failed load leaves the network
/// unchanged. Saving is atomic, as with <see cref="Safetensors"/>.</para>
/// </remarks>
public static class Onnx
{
    /// <summary>The largest file accepted (2 GiB, the largest array .NET holds; also protobuf's limit).</summary>
    public const long MaxFileLength = ModelFiles.MaxFileLength;

    /// <summary>Saves a float network as an ONNX model (opset 13, one input <c>input</c> of shape <c>[batch, n0]</c>).</summary>
    /// <param name="network">The network.</param>
    /// <param name="path">The file to create or replace.</param>
    public static void Save(INetwork<float> network, string path) => SaveCore(network, path, stream => stream);

    /// <summary>Saves a double network as an ONNX model (opset 13, one input <c>input</c> of shape <c>[batch, n0]</c>).</summary>
    /// <param name="network">The network.</param>
    /// <param name="path">The file to create or replace.</param>
    public static void Save(INetwork<double> network, string path) => SaveCore(network, path, stream => stream);

    /// <summary>Loads a float network's parameters from an ONNX model.</summary>
    /// <param name="network">The network; unchanged if loading fails.</param>
    /// <param name="path">The file.</param>
    /// <exception cref="ModelFileException">The file is damaged, is not a dense chain, or holds another network; the message says which node and why.</exception>
    public static void Load(INetwork<float> network, string path) => LoadCore(network, path);

    /// <summary>Loads a double network's parameters from an ONNX model.</summary>
    /// <param name="network">The network; unchanged if loading fails.</param>
    /// <param name="path">The file.</param>
    /// <exception cref="ModelFileException">The file is damaged, is not a dense chain, or holds another network; the message says which node and why.</exception>
    public static void Load(INetwork<double> network, string path) => LoadCore(network, path);

    /// <summary>Saves through a stream wrapper, so that tests can make a write fail part-way.</summary>
    internal static void SaveCore<T>(INetwork<T> network, string path, Func<Stream, Stream> wrap)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelFiles.WriteAtomically(path, OnnxModelWriter.Write(network).ToByteArray(), wrap);
    }

    private static void LoadCore<T>(INetwork<T> network, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ModelFiles.ReadAll(path);
        try
        {
            NetworkArchitecture architecture = network.Architecture;
            double[] parameters = OnnxModelReader.Parameters(
                OnnxModelReader.Parse(bytes), architecture.LayerSizes.ToArray(), architecture.Activations.ToArray(), architecture.Loss, architecture.HasBias, architecture.ElementType == typeof(float));
            var staged = new T[parameters.Length];
            for (int i = 0; i < staged.Length; i++)
            {
                staged[i] = T.CreateTruncating(parameters[i]); // Exact, but double into float rounds.
                if (!T.IsFinite(staged[i]))
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                        $"parameter {i} ({parameters[i]:R}) is beyond the range of the network's element type"));
                }
            }

            staged.CopyTo(network.Parameters);
        }
        catch (FormatException exception)
        {
            throw new ModelFileException(path, exception.Message + ".", exception);
        }
    }
}
