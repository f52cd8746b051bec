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

    /// <summary>The workspace of <see cref="Gradient"/> for one block.</summary>
    static abstract int GradientWorkspaceLength { get; }

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

    /// <summary>
    /// The workspace of <see cref="Predict"/> for one block: 0 for a network whose passes run whole tiles of rows
    /// through every layer in registers, which then needs no workspace at all.
    /// </summary>
    static abstract int PredictWorkspaceLength { get; }

    /// <summary>Computes the outputs of <paramref name="rows"/> rows into <paramref name="outputs"/>.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The block's inputs, <paramref name="rows"/> rows.</param>
    /// <param name="rows">The block's row count, 1 to <see cref="BlockRows"/>.</param>
    /// <param name="outputs">Receives the block's outputs, <paramref name="rows"/> rows.</param>
    /// <param name="buffer">The workspace, at least <see cref="PredictWorkspaceLength"/> long (empty when that is 0).</param>
    static abstract void Predict(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, int rows, Span<T> outputs, Span<T> buffer);

    /// <summary>
    /// Runs the forward pass, the loss and the backward pass over one block: adds the block's share of d loss /
    /// d parameters to <paramref name="gradient"/> (writes it, for the first block) and returns the block's loss summed
    /// over its rows.
    /// </summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The block's inputs.</param>
    /// <param name="targets">The block's targets.</param>
    /// <param name="rows">The block's row count.</param>
    /// <param name="buffer">The workspace, at least <see cref="GradientWorkspaceLength"/> long.</param>
    /// <param name="gradient">The gradient being summed, <see cref="ParameterCount"/> values.</param>
    /// <param name="outputScale"><see cref="OutputGradientFactor"/> divided by the batch's row count.</param>
    /// <param name="firstBlock">
    /// Whether this is the batch's first block: its share overwrites whatever <paramref name="gradient"/> held, so the
    /// gradient is never cleared beforehand (the weight-gradient kernels start their sums from zero instead of reading).
    /// </param>
    /// <returns>The sum of the block's per-row losses, as <see cref="LossSum"/> computes it.</returns>
    static abstract double Gradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int rows, Span<T> buffer, Span<T> gradient, T outputScale, bool firstBlock);
}
