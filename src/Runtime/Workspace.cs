using System;

namespace Backprop;

/// <summary>
/// Reusable scratch memory for the activations of a batch. A network takes what it needs from a workspace on each call,
/// and the workspace keeps its largest buffer, so calls after the first allocate nothing.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// A workspace is not thread-safe: give each thread its own (a multi-threaded trainer holds one per worker), or use
/// <see cref="ForCurrentThread"/>, which the overloads without a workspace argument use.
/// </remarks>
public sealed class Workspace<T>
    where T : unmanaged
{
    [ThreadStatic]
    private static Workspace<T>? t_current;

    private T[] _buffer = Array.Empty<T>();

    /// <summary>The calling thread's own workspace, created on first use.</summary>
    public static Workspace<T> ForCurrentThread => t_current ??= new Workspace<T>();

    /// <summary>The number of elements the workspace holds now.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>
    /// Returns scratch memory of exactly <paramref name="length"/> elements, growing the workspace if needed.
    /// The contents are unspecified, and the memory is reused by the next call.
    /// </summary>
    /// <param name="length">The number of elements needed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public Span<T> GetSpan(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_buffer.Length < length)
        {
            _buffer = GC.AllocateUninitializedArray<T>(length);
        }

        return _buffer.AsSpan(0, length);
    }
}
