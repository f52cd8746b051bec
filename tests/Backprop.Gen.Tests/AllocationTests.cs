using System;
using System.Collections.Generic;
using Xunit;

namespace Backprop.Tests;

/// <summary>After the first call, Predict, Loss and Gradient allocate nothing, whatever the batch size.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Float_network_allocates_nothing_in_steady_state() =>
        AssertSteadyStateAllocatesNothing<float>(new TinyNet(), TinyNet.InputSize, TinyNet.OutputSize);

    [Fact]
    public void Double_network_allocates_nothing_in_steady_state() =>
        AssertSteadyStateAllocatesNothing<double>(new DeepNetDouble(), DeepNetDouble.InputSize, DeepNetDouble.OutputSize);

    [Fact]
    public void Network_spanning_several_blocks_allocates_nothing_in_steady_state() =>
        AssertSteadyStateAllocatesNothing<float>(new WideNet(), WideNet.InputSize, WideNet.OutputSize);

    private static void AssertSteadyStateAllocatesNothing<T>(INetwork<T> network, int inputSize, int outputSize)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        network.Initialize(seed: 3);
        foreach (int rows in new[] { 1, 64, 300 })
        {
            var inputs = new T[rows * inputSize];
            var targets = new T[rows * outputSize];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = T.CreateTruncating(Math.Sin(i));
            }

            targets.AsSpan().Fill(T.Zero);
            for (int i = 0; i < rows; i++)
            {
                targets[i * outputSize] = T.One;
            }

            var outputs = new T[rows * outputSize];
            var gradient = new T[network.Parameters.Length];

            // The first calls may size this thread's workspace and finish JIT compilation.
            network.Predict(inputs, outputs);
            network.Loss(inputs, targets);
            network.Gradient(inputs, targets, gradient);

            // The runtime itself may allocate once on this thread while it recompiles hot methods (tiered JIT), so
            // steady state means: some round of 20 calls allocates nothing (our code allocates the same every round).
            var rounds = new List<long>();
            for (int round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] != 0); round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    network.Predict(inputs, outputs);
                    network.Loss(inputs, targets);
                    network.Gradient(inputs, targets, gradient);
                }

                rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(rounds[^1] == 0, $"{rows} rows: bytes allocated per round of 20 calls: {string.Join(", ", rounds)}");
        }
    }
}
