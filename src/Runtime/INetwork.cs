using System;
using System.Numerics;

namespace Backprop;

/// <summary>
/// The instance members every generated network has, for element type <typeparamref name="T"/>
/// (<see cref="float"/> or <see cref="double"/>). Generic runtime code (training loops, serializers) is written against
/// this interface, or against <see cref="INetwork{TSelf, T}"/> when it also needs the sizes as static members.
/// </summary>
/// <typeparam name="T">The element type of parameters, inputs, targets and outputs.</typeparam>
/// <remarks>
/// <para>Batches are row-major matrices with one example per row: <c>k</c> examples of a network with
/// <c>n0</c> inputs are <c>k * n0</c> consecutive values.</para>
/// <para>Thread safety: <see cref="Predict(ReadOnlySpan{T}, Span{T})"/>, <see cref="Loss(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
/// and <see cref="Gradient(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> only read the parameters, so any number of threads
/// may call them at once on one instance (each thread uses its own <see cref="Workspace{T}"/>). Writing
/// <see cref="Parameters"/>, <see cref="Initialize(int)"/> and training are not thread-safe: no other call may run on the
/// instance while they do.</para>
/// </remarks>
public interface INetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// All weights and biases as one contiguous vector <c>[W1, b1, W2, b2, ...]</c>, where <c>W[l]</c> is an
    /// <c>n(l-1) x n(l)</c> row-major matrix. Writes change the network.
    /// </summary>
    Span<T> Parameters { get; }

    /// <summary>The declared shape, loss and element type, with the parameter layout.</summary>
    NetworkArchitecture Architecture { get; }

    /// <summary>
    /// Sets every weight from a seeded uniform distribution (He for ReLU and LeakyReLU layers, Glorot otherwise) and every
    /// bias to zero. The same seed gives bit-identical parameters on every machine.
    /// </summary>
    /// <param name="seed">Any integer; equal seeds give equal parameters.</param>
    void Initialize(int seed);

    /// <summary>Computes the network's outputs for <c>k &gt;= 1</c> examples.</summary>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="outputs"><c>k * OutputSize</c> values; overwritten with the predictions.</param>
    /// <exception cref="ArgumentException">A span length is not a whole, matching number of rows.</exception>
    void Predict(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <inheritdoc cref="Predict(ReadOnlySpan{T}, Span{T})"/>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="outputs"><c>k * OutputSize</c> values; overwritten with the predictions.</param>
    /// <param name="workspace">Scratch memory for the activations; one workspace must not be used by two threads at once.</param>
    void Predict(ReadOnlySpan<T> inputs, Span<T> outputs, Workspace<T> workspace);

    /// <summary>Computes the loss averaged over the <c>k &gt;= 1</c> examples of a batch.</summary>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>k * OutputSize</c> values, one example per row.</param>
    /// <returns>The network's loss function over the batch.</returns>
    /// <exception cref="ArgumentException">A span length is not a whole, matching number of rows.</exception>
    T Loss(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);

    /// <inheritdoc cref="Loss(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>k * OutputSize</c> values, one example per row.</param>
    /// <param name="workspace">Scratch memory for the activations; one workspace must not be used by two threads at once.</param>
    T Loss(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Workspace<T> workspace);

    /// <summary>
    /// Computes the loss over a batch and its gradient with respect to every parameter (backpropagation).
    /// </summary>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>k * OutputSize</c> values, one example per row.</param>
    /// <param name="gradient"><c>ParameterCount</c> values in the layout of <see cref="Parameters"/>; overwritten with
    /// d loss / d parameters.</param>
    /// <returns>The loss over the batch, as <see cref="Loss(ReadOnlySpan{T}, ReadOnlySpan{T})"/> returns it.</returns>
    /// <exception cref="ArgumentException">A span length is not a whole, matching number of rows, or
    /// <paramref name="gradient"/> is not <c>ParameterCount</c> long.</exception>
    T Gradient(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient);

    /// <inheritdoc cref="Gradient(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>
    /// <param name="inputs"><c>k * InputSize</c> values, one example per row.</param>
    /// <param name="targets"><c>k * OutputSize</c> values, one example per row.</param>
    /// <param name="gradient"><c>ParameterCount</c> values; overwritten with d loss / d parameters.</param>
    /// <param name="workspace">Scratch memory for the activations; one workspace must not be used by two threads at once.</param>
    T Gradient(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient, Workspace<T> workspace);
}

/// <summary>
/// A generated network type, with its shape available as static members so that generic code can size buffers and
/// check files without an instance and without reflection.
/// </summary>
/// <typeparam name="TSelf">The generated network type itself.</typeparam>
/// <typeparam name="T">The element type (<see cref="float"/> or <see cref="double"/>).</typeparam>
public interface INetwork<TSelf, T> : INetwork<T>
    where TSelf : INetwork<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of inputs per example, <c>n0</c>.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs per example, <c>nL</c>.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The length of <see cref="INetwork{T}.Parameters"/> and of a gradient.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The declared layer sizes <c>[n0, n1, ..., nL]</c>.</summary>
    static abstract ReadOnlySpan<int> LayerSizes { get; }

    /// <summary>The activation of each weight layer (<c>LayerSizes.Length - 1</c> entries).</summary>
    static abstract ReadOnlySpan<Activation> LayerActivations { get; }

    /// <summary>The declared loss function.</summary>
    static abstract LossFunction LossFunction { get; }

    /// <summary>Whether every layer has a bias vector.</summary>
    static abstract bool HasBias { get; }
}
