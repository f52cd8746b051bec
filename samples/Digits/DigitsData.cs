using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace Backprop.Samples.Digits;

/// <summary>The 8x8 handwritten digits, read from <c>data/digits.csv.gz</c> next to the executable.</summary>
internal sealed class DigitsData
{
    /// <summary>Pixels per image (8 x 8, integer intensities 0..16).</summary>
    public const int PixelCount = 64;

    private DigitsData(float[] pixels, int[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>64 pixel values per image, row-major.</summary>
    public float[] Pixels { get; }

    /// <summary>The digit 0..9 of each image.</summary>
    public int[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Decompresses and parses the file: no header, 65 comma-separated integers a line, the label last.</summary>
    public static DigitsData Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var pixels = new System.Collections.Generic.List<float>();
        var labels = new System.Collections.Generic.List<int>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != PixelCount + 1)
            {
                throw new InvalidDataException($"{path}: line {labels.Count + 1} has {fields.Length} fields, expected {PixelCount + 1}.");
            }

            for (int j = 0; j < PixelCount; j++)
            {
                pixels.Add(int.Parse(fields[j], CultureInfo.InvariantCulture));
            }

            labels.Add(int.Parse(fields[PixelCount], CultureInfo.InvariantCulture));
        }

        return new DigitsData(pixels.ToArray(), labels.ToArray());
    }
}
