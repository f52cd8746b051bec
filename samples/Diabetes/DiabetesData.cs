using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace Backprop.Samples.Diabetes;

/// <summary>
/// The diabetes data of Efron et al. (2004): ten baseline measurements of 442 patients and a measure of disease
/// progression one year later, read from <c>data/</c> next to the executable.
/// </summary>
internal sealed class DiabetesData
{
    /// <summary>Features per patient: age, sex, bmi, bp, s1..s6 (raw units).</summary>
    public const int FeatureCount = 10;

    private DiabetesData(float[] features, float[] progression)
    {
        Features = features;
        Progression = progression;
    }

    /// <summary>Ten values per patient, row-major.</summary>
    public float[] Features { get; }

    /// <summary>Disease progression one year after baseline, one value per patient.</summary>
    public float[] Progression { get; }

    /// <summary>The number of patients.</summary>
    public int Count => Progression.Length;

    /// <summary>Reads both gzip files: space-separated features, and one target a line.</summary>
    public static DiabetesData Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "data");
        float[] features = ReadNumbers(Path.Combine(folder, "diabetes_data_raw.csv.gz"), FeatureCount);
        float[] progression = ReadNumbers(Path.Combine(folder, "diabetes_target.csv.gz"), 1);
        if (features.Length != progression.Length * FeatureCount)
        {
            throw new InvalidDataException($"{features.Length / FeatureCount} feature rows but {progression.Length} targets.");
        }

        return new DiabetesData(features, progression);
    }

    private static float[] ReadNumbers(string path, int perLine)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var values = new List<float>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields.Length != perLine)
            {
                throw new InvalidDataException($"{path}: line {lineNumber} has {fields.Length} values, expected {perLine}.");
            }

            foreach (string field in fields)
            {
                values.Add(float.Parse(field, CultureInfo.InvariantCulture));
            }
        }

        return values.ToArray();
    }
}
