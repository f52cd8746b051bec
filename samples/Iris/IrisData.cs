using System;
using System.Globalization;
using System.IO;

namespace Backprop.Samples.Iris;

/// <summary>The Iris measurements and species labels, read from <c>data/iris.csv</c> next to the executable.</summary>
internal sealed class IrisData
{
    private IrisData(float[] features, int[] labels, string[] classNames)
    {
        Features = features;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Four measurements (cm) per flower, row-major.</summary>
    public float[] Features { get; }

    /// <summary>The species index of each flower.</summary>
    public int[] Labels { get; }

    /// <summary>The species names, by index.</summary>
    public string[] ClassNames { get; }

    /// <summary>Reads the file. Its header line is <c>rows,inputs,name0,name1,name2</c>.</summary>
    public static IrisData Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", "iris.csv");
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        int rows = int.Parse(header[0], CultureInfo.InvariantCulture);
        int inputs = int.Parse(header[1], CultureInfo.InvariantCulture);
        var features = new float[rows * inputs];
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            string[] fields = lines[i + 1].Split(',');
            for (int j = 0; j < inputs; j++)
            {
                features[(i * inputs) + j] = float.Parse(fields[j], CultureInfo.InvariantCulture);
            }

            labels[i] = int.Parse(fields[inputs], CultureInfo.InvariantCulture);
        }

        return new IrisData(features, labels, header[2..]);
    }
}
