using System;

namespace Backprop;

/// <summary>
/// A small, portable pseudo-random generator (xoshiro256**, seeded through SplitMix64). Unlike
/// <see cref="System.Random"/>, its sequence is specified here and depends on nothing but the seed, so parameters
/// initialized from it are bit-identical on every machine, runtime version and architecture.
/// </summary>
public struct SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose sequence is determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal seeds give equal sequences.</param>
    public SeededRandom(long seed)
    {
        ulong state = unchecked((ulong)seed);
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>Returns the next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniform value in <c>[0, 1)</c> with 53 random bits (exactly representable).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates), the same way on every machine.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items to reorder.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)(NextUInt64() % (ulong)(i + 1));
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The SplitMix64 step (Steele, Lea and Flood 2014), used to spread a seed over the state.</summary>
    /// <param name="state">The SplitMix64 state, advanced by one step.</param>
    /// <returns>The next SplitMix64 output.</returns>
    public static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
