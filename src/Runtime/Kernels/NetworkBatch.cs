using System;
using System.ComponentModel;
using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// The batch members of every generated network (<c>Predict</c>, <c>Loss</c>, <c>Gradient</c>): check every span up
/// front, then run the network's passes over the batch in blocks of rows. Written once here instead of in each generated
/// file; its passes type argument is always a struct, so each network still gets its own compiled copy.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class NetworkBatch
{
    /// <summary>Computes the outputs of every row of <paramref name="inputs"/>.</summary>
    /// <typeparam name="TPasses">The network's passes.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">k rows of inputs.</param>
    /// <param name="outputs">Receives k rows of outputs.</param>
    /// <param name="workspace">Scratch memory (unused by passes whose <see cref="INetworkPasses{T}.PredictWorkspaceLength"/> is 0).</param>
    /// <exception cref="ArgumentException">A span length is not a whole, matching number of rows, or the spans overlap.</exception>
    public static void Predict<TPasses, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, Workspace<T> workspace)
        where TPasses : struct, INetworkPasses<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        PredictRows<TPasses, T>(parameters, inputs, outputs, TPasses.PredictWorkspaceLength > 0 ? workspace.GetSpan(TPasses.PredictWorkspaceLength) : default);
    }

    /// <summary>
    /// Computes the outputs of every row of <paramref name="inputs"/> for passes that need no workspace
    /// (<see cref="INetworkPasses{T}.PredictWorkspaceLength"/> is 0): no thread-local lookup, nothing but the passes.
    /// </summary>
    /// <typeparam name="TPasses">The network's passes.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">k rows of inputs.</param>
    /// <param name="outputs">Receives k rows of outputs.</param>
    /// <exception cref="ArgumentException">A span length is not a whole, matching number of rows, or the spans overlap.</exception>
    /// <exception cref="InvalidOperationException">The passes need a workspace.</exception>
    public static void Predict<TPasses, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs)
        where TPasses : struct, INetworkPasses<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TPasses.PredictWorkspaceLength > 0)
        {
            throw new InvalidOperationException("These passes need a workspace for Predict.");
        }

        PredictRows<TPasses, T>(parameters, inputs, outputs, Span<T>.Empty);
    }

    private static void PredictRows<TPasses, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, Span<T> buffer)
        where TPasses : struct, INetworkPasses<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = BatchArguments.GetRowCount(inputs.Length, TPasses.InputSize, nameof(inputs));
        BatchArguments.RequireLength(outputs.Length, rows * TPasses.OutputSize, rows, nameof(outputs));
        BatchArguments.RequireNoOverlap<T>(inputs, outputs, nameof(outputs));
        for (int start = 0; start < rows; start += TPasses.BlockRows)
        {
            int count = Math.Min(TPasses.BlockRows, rows - start);
            TPasses.Predict(
                parameters,
                inputs.Slice(start * TPasses.InputSize, count * TPasses.InputSize),
                count,
                outputs.Slice(start * TPasses.OutputSize, count * TPasses.OutputSize),
                buffer);
        }
    }

    /// <summary>Computes the loss averaged over the rows.</summary>
    /// <typeparam name="TPasses">The network's passes.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">k rows of inputs.</param>
    /// <param name="targets">k rows of targets.</param>
    /// <param name="workspace">Scratch memory.</param>
    /// <returns>The loss over the batch.</returns>
    /// <exception cref="ArgumentException">A span length is not a whole, matching number of rows.</exception>
    public static T Loss<TPasses, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Workspace<T> workspace)
        where TPasses : struct, INetworkPasses<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = BatchArguments.GetRowCount(inputs.Length, TPasses.InputSize, nameof(inputs));
        BatchArguments.RequireLength(targets.Length, rows * TPasses.OutputSize, rows, nameof(targets));
        ArgumentNullException.ThrowIfNull(workspace);

        Span<T> buffer = workspace.GetSpan(TPasses.ForwardWorkspaceLength);
        double lossSum = 0;
        for (int start = 0; start < rows; start += TPasses.BlockRows)
        {
            int count = Math.Min(TPasses.BlockRows, rows - start);
            TPasses.Forward(parameters, inputs.Slice(start * TPasses.InputSize, count * TPasses.InputSize), count, buffer);
            lossSum += TPasses.LossSum(buffer, targets.Slice(start * TPasses.OutputSize, count * TPasses.OutputSize), count);
        }

        return T.CreateTruncating(lossSum / rows);
    }

    /// <summary>Computes the loss over the rows and its gradient with respect to every parameter.</summary>
    /// <typeparam name="TPasses">The network's passes.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">k rows of inputs.</param>
    /// <param name="targets">k rows of targets.</param>
    /// <param name="gradient">Receives d loss / d parameters.</param>
    /// <param name="workspace">Scratch memory.</param>
    /// <returns>The loss over the batch.</returns>
    /// <exception cref="ArgumentException">A span length does not match, or <paramref name="gradient"/> overlaps the parameters.</exception>
    public static T Gradient<TPasses, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient, Workspace<T> workspace)
        where TPasses : struct, INetworkPasses<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = BatchArguments.GetRowCount(inputs.Length, TPasses.InputSize, nameof(inputs));
        BatchArguments.RequireLength(targets.Length, rows * TPasses.OutputSize, rows, nameof(targets));
        BatchArguments.RequireLength(gradient.Length, TPasses.ParameterCount, 0, nameof(gradient));
        BatchArguments.RequireNoOverlap<T>(parameters, gradient, nameof(gradient));
        ArgumentNullException.ThrowIfNull(workspace);

        Span<T> buffer = workspace.GetSpan(TPasses.GradientWorkspaceLength);
        // d loss / d output of the batch mean, computed in double and rounded once, as the reference does.
        T outputScale = T.CreateTruncating(TPasses.OutputGradientFactor / rows);
        double lossSum = 0;
        for (int start = 0; start < rows; start += TPasses.BlockRows)
        {
            int count = Math.Min(TPasses.BlockRows, rows - start);
            ReadOnlySpan<T> blockInputs = inputs.Slice(start * TPasses.InputSize, count * TPasses.InputSize);
            ReadOnlySpan<T> blockTargets = targets.Slice(start * TPasses.OutputSize, count * TPasses.OutputSize);
            lossSum += TPasses.Gradient(parameters, blockInputs, blockTargets, count, buffer, gradient, outputScale, firstBlock: start == 0);
        }

        return T.CreateTruncating(lossSum / rows);
    }
}
