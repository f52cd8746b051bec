using Backprop.Generator.Model;
using Backprop.Generator.Planning;

namespace Backprop.Generator.Emitter;

/// <summary>The emitted calls for each activation's forward function and derivative (math.md's table).</summary>
internal static class ActivationSyntax
{
    private const string Kernels = "global::Backprop.Kernels.ActivationKernels";

    /// <summary>The layer's activation formula, for comments.</summary>
    public static string Formula(LayerPlan layer)
    {
        string z = "Z" + layer.Index;
        string formula = layer.Activation switch
        {
            Activation.Identity => z,
            Activation.Sigmoid => $"1 / (1 + e^-{z})",
            Activation.Tanh => $"tanh({z})",
            Activation.ReLU => $"max(0, {z})",
            Activation.LeakyReLU => $"{z} > 0 ? {z} : 0.01 {z}",
            _ => $"softmax({z}) per row",
        };
        return $"A{layer.Index} = {formula}";
    }

    /// <summary>Writes <c>A = g(Z)</c> for a block; nothing for Identity, whose A is Z.</summary>
    public static void EmitForward(SourceWriter writer, LayerPlan layer)
    {
        if (layer.Kernels.Activation == ActivationKernel.None)
        {
            return;
        }

        writer.WriteLine();
        writer.WriteLine(layer.Activation switch
        {
            Activation.Sigmoid => $"{Kernels}.Sigmoid({layer.Z}, {layer.A});",
            Activation.Tanh => $"{Kernels}.Tanh({layer.Z}, {layer.A});",
            Activation.ReLU => $"{Kernels}.Relu({layer.Z}, {layer.A});",
            Activation.LeakyReLU => $"{Kernels}.LeakyRelu({layer.Z}, {layer.A});",
            _ => $"{Kernels}.SoftmaxRows({layer.Z}, {layer.A}, {layer.FanOut});",
        });
    }

    /// <summary>
    /// Writes <c>dZ = dA (*) g'(Z)</c> in place on the span named <c>layer.DZ</c>, which holds dA on entry. Sigmoid,
    /// Tanh and Softmax use A; ReLU and LeakyReLU use Z. Nothing for Identity, whose derivative is 1.
    /// </summary>
    public static void EmitBackward(SourceWriter writer, LayerPlan layer, string z, string a)
    {
        writer.WriteLine();
        if (layer.Kernels.Activation == ActivationKernel.None)
        {
            writer.WriteLine($"// Identity: g'(Z) = 1, so dZ{layer.Index} is dA{layer.Index} as it stands.");
            return;
        }

        string dz = layer.DZ;
        writer.WriteLine($"// dZ{layer.Index} = dA{layer.Index} (*) {DerivativeText(layer)}, in place.");
        writer.WriteLine(layer.Activation switch
        {
            Activation.Sigmoid => $"{Kernels}.SigmoidBackward({a}, {dz}, {dz});",
            Activation.Tanh => $"{Kernels}.TanhBackward({a}, {dz}, {dz});",
            Activation.ReLU => $"{Kernels}.ReluBackward({z}, {dz}, {dz});",
            Activation.LeakyReLU => $"{Kernels}.LeakyReluBackward({z}, {dz}, {dz});",
            _ => $"{Kernels}.SoftmaxBackwardRows({a}, {dz}, {dz}, {layer.FanOut});",
        });
    }

    private static string DerivativeText(LayerPlan layer)
    {
        string a = "A" + layer.Index;
        string z = "Z" + layer.Index;
        return layer.Activation switch
        {
            Activation.Sigmoid => $"{a} (1 - {a})",
            Activation.Tanh => $"(1 - {a}^2)",
            Activation.ReLU => $"({z} > 0 ? 1 : 0)",
            Activation.LeakyReLU => $"({z} > 0 ? 1 : 0.01)",
            _ => $"the softmax Jacobian of {a}",
        };
    }
}
