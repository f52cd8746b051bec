using System;
using System.ComponentModel;
using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// The per-block passes of one generated network, unrolled for its exact shape. Each generated class implements this on
/// a private struct, and <see cref="NetworkBatch"/> runs a whole batch through them block by block; a struct type
/// argument makes the JIT compile that loop once per network with every member below a direct, inlinable call.
/// </summary>
/// <typeparam name="T">The element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)] // implemented by generated code, not meant for users
public interface INetworkPasses<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of inputs per example.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs per example.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The length of the parameter vector (and of a gradient).</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The most rows in one block, chosen so that a block's activations stay in cache.</summary>
    static abstract int BlockRows { get; }

    /// <summary>The workspace of <see cref="Forward"/> for one block.</summary>
    static abstract int ForwardWorkspaceLength { get; }

    /// <summary>The workspace of <see cref="Forward"/> followed by <see cref="Backward"/> for one block.</summary>
    static abstract int GradientWorkspaceLength { get; }

    /// <summary>Where <see cref="Forward"/> leaves the block's outputs in the workspace.</summary>
    static abstract int OutputOffset { get; }

    /// <summary>
    /// The derivative of the per-example loss with respect to the output pass's input, before the <c>1/m</c> of the batch
    /// mean: 2 for the squared error, 1 for the fused sigmoid and softmax cross-entropies.
    /// </summary>
    static abstract double OutputGradientFactor { get; }

    /// <summary>Computes Z and A of every layer for <paramref name="rows"/> rows into <paramref name="buffer"/>.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The block's inputs, <paramref name="rows"/> rows.</param>
    /// <param name="rows">The block's row count, 1 to <see cref="BlockRows"/>.</param>
    /// <param name="buffer">The workspace, at least <see cref="ForwardWorkspaceLength"/> long.</param>
    static abstract void Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, int rows, Span<T> buffer);

    /// <summary>The block's loss summed over its rows (after <see cref="Forward"/>).</summary>
    /// <param name="buffer">The workspace as <see cref="Forward"/> left it.</param>
    /// <param name="targets">The block's targets.</param>
    /// <param name="rows">The block's row count.</param>
    /// <returns>The sum of the rows' losses.</returns>
    static abstract double LossSum(ReadOnlySpan<T> buffer, ReadOnlySpan<T> targets, int rows);

    /// <summary>Adds the block's share of d loss / d parameters to <paramref name="gradient"/> (after <see cref="Forward"/>).</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The block's inputs.</param>
    /// <param name="targets">The block's targets.</param>
    /// <param name="rows">The block's row count.</param>
    /// <param name="buffer">The workspace as <see cref="Forward"/> left it, at least <see cref="GradientWorkspaceLength"/> long.</param>
    /// <param name="gradient">The gradient being summed, <see cref="ParameterCount"/> values.</param>
    /// <param name="outputScale"><see cref="OutputGradientFactor"/> divided by the batch's row count.</param>
    static abstract void Backward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int rows, Span<T> buffer, Span<T> gradient, T outputScale);
}
