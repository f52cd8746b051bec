namespace Backprop.Generator.Planning;

/// <summary>One weight layer with every size and offset the emitted code uses as a constant, and its kernels.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(int index, int fanIn, int fanOut, Activation activation, int weightOffset, int biasOffset, int zOffset, int aOffset, int deltaBuffer, KernelChoice kernels)
    {
        Index = index;
        FanIn = fanIn;
        FanOut = fanOut;
        Activation = activation;
        WeightOffset = weightOffset;
        BiasOffset = biasOffset;
        ZOffset = zOffset;
        AOffset = aOffset;
        DeltaBuffer = deltaBuffer;
        Kernels = kernels;
    }

    /// <summary>The 1-based index: layer <c>l</c> maps <c>A(l-1)</c> to <c>A(l)</c>.</summary>
    public int Index { get; }

    public int FanIn { get; }

    public int FanOut { get; }

    public Activation Activation { get; }

    public int WeightOffset { get; }

    public int BiasOffset { get; }

    /// <summary>Offset of this layer's pre-activations Z in a block's workspace.</summary>
    public int ZOffset { get; }

    /// <summary>Offset of the activations A; equal to <see cref="ZOffset"/> for Identity, whose A is Z.</summary>
    public int AOffset { get; }

    /// <summary>Which of the two gradient buffers holds this layer's dZ during the backward pass.</summary>
    public int DeltaBuffer { get; }

    /// <summary>How each of the layer's products and its activation are computed.</summary>
    public KernelChoice Kernels { get; }

    public int WeightCount => FanIn * FanOut;

    // The names of the layer's constants and locals in the emitted code: W1Offset, w1, z1, dz1, ...
    public string W => "w" + Index;

    public string B => "b" + Index;

    public string Z => "z" + Index;

    public string A => "a" + Index;

    public string DZ => "dz" + Index;

    public string Describe() => $"Layer {Index}: {FanIn} -> {FanOut}, {Activation}";
}
