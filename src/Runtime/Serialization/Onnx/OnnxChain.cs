using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Serialization.OnnxFormat;

namespace Backprop.Serialization;

/// <summary>One dense layer as an ONNX graph holds it: a <c>Gemm</c> (or <c>MatMul</c> + <c>Add</c>) and its activation.</summary>
/// <param name="Node">The node that multiplies by the weights, as messages name it.</param>
/// <param name="Weight">The weights' initializer.</param>
/// <param name="OutByIn">Whether the weights are stored <c>[out, in]</c> (<c>Gemm</c> with <c>transB = 1</c>, PyTorch's
/// <c>nn.Linear</c>) rather than <c>[in, out]</c> (this project's <c>W[l]</c>).</param>
/// <param name="Bias">The biases' initializer, or <see langword="null"/> for a layer without biases.</param>
/// <param name="Activation">The activation applied to the layer's output (<see cref="Activation.Identity"/> when none).</param>
internal sealed record OnnxDenseLayer(string Node, TensorProto Weight, bool OutByIn, TensorProto? Bias, Activation Activation);

/// <summary>
/// Reads an ONNX graph as a chain of dense layers, the way PyTorch (<c>nn.Linear</c>: <c>Gemm</c>), Keras and
/// scikit-learn (<c>MatMul</c> + <c>Add</c>) export an MLP. Every node must take the previous node's output; anything
/// else (another operator, a branch, a second input, weights computed rather than stored) is a
/// <see cref="FormatException"/> that names the node, its operator and what was expected. Shapes are compared with the
/// declaration afterwards, by the caller.
/// </summary>
internal static class OnnxChain
{
    private const string Supported = "a dense chain holds Gemm, or MatMul and Add, each followed by at most one of Relu, Sigmoid, Tanh, LeakyRelu or Softmax (Identity, Dropout and a leading Flatten are skipped)";

    /// <summary>Reads the dense layers of <paramref name="model"/>'s graph, in order.</summary>
    public static List<OnnxDenseLayer> Read(ModelProto model)
    {
        GraphProto graph = model.Graph ?? throw new FormatException("the file has no graph: it is not an ONNX model, or it is empty");
        if (graph.SparseInitializer.Count > 0)
        {
            throw new FormatException("the graph stores initializers in sparse form, which is not supported: export the dense tensors");
        }

        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (TensorProto tensor in graph.Initializer)
        {
            if (initializers.ContainsKey(tensor.Name))
            {
                throw new FormatException($"the graph has two initializers named '{tensor.Name}'");
            }

            initializers.Add(tensor.Name, tensor);
        }

        ValueInfoProto[] inputs = graph.Input.Where(input => !initializers.ContainsKey(input.Name)).ToArray();
        if (inputs.Length != 1)
        {
            throw new FormatException($"the graph has {inputs.Length} inputs ({string.Join(", ", inputs.Select(input => "'" + input.Name + "'"))}), but a network takes exactly one");
        }

        if (graph.Output.Count != 1)
        {
            throw new FormatException($"the graph has {graph.Output.Count} outputs, but a network gives exactly one");
        }

        var layers = new List<OnnxDenseLayer>();
        string current = inputs[0].Name;
        bool activated = true; // Whether the last layer already has its activation (no layer yet: nothing to activate).
        bool biasAddable = false; // Whether the last node was a MatMul (or bias-less Gemm) whose Add may follow.
        for (int index = 0; index < graph.Node.Count; index++)
        {
            NodeProto node = graph.Node[index];
            string name = Describe(node, index);
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw new FormatException($"{name} is from operator domain '{node.Domain}'; {Supported}");
            }

            if (node.Output.Count < 1 || node.Output[0].Length == 0)
            {
                throw new FormatException($"{name} has no output");
            }

            string[] data = node.Input.Where(input => input.Length > 0 && !initializers.ContainsKey(input)).ToArray();
            if (data.Length != 1 || data[0] != current)
            {
                throw new FormatException(
                    $"{name} takes {(data.Length == 0 ? "no computed value" : string.Join(", ", data.Select(input => "'" + input + "'")))}, " +
                    $"but a chain's next node takes only the previous node's output '{current}' (the graph branches, or computes its weights)");
            }

            bool wasBiasAddable = biasAddable;
            biasAddable = false;
            switch (node.OpType)
            {
                case OnnxConventions.Identity:
                case OnnxConventions.Dropout:
                    break;
                case OnnxConventions.Flatten:
                    if (layers.Count > 0 || Integer(node, "axis", 1, name) != 1)
                    {
                        throw new FormatException($"{name} flattens {(layers.Count > 0 ? "between layers" : "from an axis other than 1")}; only a leading Flatten of each row (axis 1) is skipped");
                    }

                    break;
                case OnnxConventions.Gemm:
                {
                    RequireAttribute(node, "transA", 0, name, "the input must not be transposed");
                    RequireFloatAttribute(node, "alpha", 1, name);
                    RequireFloatAttribute(node, "beta", 1, name);
                    long transB = Integer(node, "transB", 0, name);
                    if (transB is not (0 or 1))
                    {
                        throw new FormatException($"{name} has transB = {transB}; it must be 0 or 1");
                    }

                    TensorProto weight = Initializer(node, 1, initializers, name, "weights");
                    TensorProto? bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? Initializer(node, 2, initializers, name, "biases") : null;
                    layers.Add(new OnnxDenseLayer(name, weight, transB == 1, bias, Activation.Identity));
                    activated = false;
                    biasAddable = bias is null;
                    break;
                }

                case OnnxConventions.MatMul:
                    layers.Add(new OnnxDenseLayer(name, Initializer(node, 1, initializers, name, "weights"), false, null, Activation.Identity));
                    activated = false;
                    biasAddable = true;
                    break;
                case OnnxConventions.Add:
                {
                    if (!wasBiasAddable)
                    {
                        throw new FormatException($"{name} adds to something other than a layer's product; only the Add of a layer's biases right after its MatMul is supported");
                    }

                    int position = node.Input.Count == 2 && node.Input[0] == current ? 1 : 0;
                    TensorProto bias = Initializer(node, position, initializers, name, "biases");
                    layers[^1] = layers[^1] with { Bias = bias };
                    break;
                }

                default:
                {
                    Activation activation = OnnxConventions.ActivationOf(node.OpType)
                        ?? throw new FormatException($"{name} is not supported: {Supported}");
                    if (activated)
                    {
                        throw new FormatException($"{name} follows {(layers.Count == 0 ? "the input" : "another activation")}; a chain applies one activation to each layer's output");
                    }

                    CheckActivationAttributes(node, activation, name);
                    layers[^1] = layers[^1] with { Activation = activation };
                    activated = true;
                    break;
                }
            }

            current = node.Output[0];
        }

        if (layers.Count == 0)
        {
            throw new FormatException("the graph has no Gemm or MatMul: it holds no dense layer");
        }

        if (graph.Output[0].Name != current)
        {
            throw new FormatException($"the graph's output is '{graph.Output[0].Name}', but its last node gives '{current}'");
        }

        return layers;
    }

    private static void CheckActivationAttributes(NodeProto node, Activation activation, string name)
    {
        if (activation == Activation.LeakyReLU)
        {
            float alpha = Float(node, "alpha", OnnxConventions.LeakyReluSlope, name);
            if (alpha != OnnxConventions.LeakyReluSlope)
            {
                throw new FormatException(FormattableString.Invariant(
                    $"{name} has alpha = {alpha:R}, but LeakyReLU here has slope {OnnxConventions.LeakyReluSlope:R} (PyTorch's default, docs/math.md)"));
            }
        }
        else if (activation == Activation.Softmax)
        {
            // Softmax over each row of a 2-D value: axis -1 or 1 (opset 13's default is -1, earlier opsets' is 1).
            long axis = Integer(node, "axis", -1, name);
            if (axis is not (-1 or 1))
            {
                throw new FormatException($"{name} has axis = {axis}; a network's softmax runs over each row, axis -1 or 1");
            }
        }
    }

    private static TensorProto Initializer(NodeProto node, int position, Dictionary<string, TensorProto> initializers, string name, string role)
    {
        if (position >= node.Input.Count || !initializers.TryGetValue(node.Input[position], out TensorProto? tensor))
        {
            throw new FormatException($"{name} has no stored {role} (input {position} must name an initializer of the graph)");
        }

        return tensor;
    }

    private static void RequireAttribute(NodeProto node, string attribute, long expected, string name, string why)
    {
        long value = Integer(node, attribute, expected, name);
        if (value != expected)
        {
            throw new FormatException($"{name} has {attribute} = {value}: {why}");
        }
    }

    private static void RequireFloatAttribute(NodeProto node, string attribute, float expected, string name)
    {
        float value = Float(node, attribute, expected, name);
        if (value != expected)
        {
            throw new FormatException(FormattableString.Invariant($"{name} has {attribute} = {value:R}, but a dense layer has {attribute} = {expected}"));
        }
    }

    private static long Integer(NodeProto node, string attribute, long fallback, string name)
    {
        AttributeProto? found = Find(node, attribute);
        return found is null ? fallback
            : found.HasI ? found.I
            : throw new FormatException($"{name}'s attribute {attribute} is not an integer");
    }

    private static float Float(NodeProto node, string attribute, float fallback, string name)
    {
        AttributeProto? found = Find(node, attribute);
        return found is null ? fallback
            : found.HasF ? found.F
            : throw new FormatException($"{name}'s attribute {attribute} is not a float");
    }

    private static AttributeProto? Find(NodeProto node, string attribute) => node.Attribute.FirstOrDefault(candidate => candidate.Name == attribute);

    private static string Describe(NodeProto node, int index) =>
        node.Name.Length > 0
            ? $"node '{node.Name}' ({node.OpType})"
            : FormattableString.Invariant($"node {index} ({node.OpType})");
}
