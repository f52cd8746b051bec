using System;
using Backprop;

namespace Backprop.Testing;

/// <summary>
/// An independent, deliberately naive implementation of docs/math.md in <see cref="double"/>: plain loops over 2-D
/// arrays, the full softmax Jacobian, each derivative written out from its formula. It shares no code with the generator or the
/// runtime kernels, so agreement with it is evidence that the generated code follows the math.
/// </summary>
internal sealed class ReferenceNetwork
{
    private readonly int[] _layers;
    private readonly Activation[] _activations;
    private readonly LossFunction _loss;
    private readonly bool _bias;

    public ReferenceNetwork(int[] layers, Activation[] activations, LossFunction loss, bool bias)
    {
        _layers = layers;
        _activations = activations;
        _loss = loss;
        _bias = bias;
        int count = 0;
        for (int l = 1; l < layers.Length; l++)
        {
            count += (layers[l - 1] * layers[l]) + (bias ? layers[l] : 0);
        }

        ParameterCount = count;
    }

    public int ParameterCount { get; }

    public double[] Predict(double[] parameters, double[] inputs)
    {
        double[][,] a = Forward(parameters, inputs, out _);
        return Flatten(a[^1]);
    }

    public double Loss(double[] parameters, double[] inputs, double[] targets)
    {
        double[][,] a = Forward(parameters, inputs, out double[][,] z);
        return LossOf(a[^1], z[^1], ToMatrix(targets, a[^1].GetLength(0), _layers[^1]));
    }

    public (double Loss, double[] Gradient) Gradient(double[] parameters, double[] inputs, double[] targets)
    {
        int m = inputs.Length / _layers[0];
        int last = _layers.Length - 1;
        double[][,] a = Forward(parameters, inputs, out double[][,] z);
        double[,] y = ToMatrix(targets, m, _layers[last]);
        double loss = LossOf(a[last], z[last], y);

        // dA[L] = df/dP for the squared error, then dZ = dA (*) g'(Z) (full Jacobian for softmax). The cross-entropies
        // use math.md's fused dZ[L] = (P - Y) / m directly: their textbook dA divides by P or 1 - P, which is infinite
        // once a probability saturates. (Finite differences and the PyTorch fixtures check those pairs independently.)
        double[,] p = a[last];
        int nL = _layers[last];
        bool fused = _loss != LossFunction.MeanSquaredError;
        var dA = new double[m, nL];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < nL; j++)
            {
                dA[i, j] = (fused ? 1.0 : 2.0) / m * (p[i, j] - y[i, j]);
            }
        }

        var gradient = new double[ParameterCount];
        for (int l = last; l >= 1; l--)
        {
            int nIn = _layers[l - 1];
            int nOut = _layers[l];
            double[,] dZ = fused && l == last ? dA : ActivationBackward(_activations[l - 1], z[l], a[l], dA);
            (int wOffset, int bOffset) = Offsets(l);
            for (int k = 0; k < nIn; k++)
            {
                for (int j = 0; j < nOut; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < m; i++)
                    {
                        sum += a[l - 1][i, k] * dZ[i, j];
                    }

                    gradient[wOffset + (k * nOut) + j] = sum;
                }
            }

            if (_bias)
            {
                for (int j = 0; j < nOut; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < m; i++)
                    {
                        sum += dZ[i, j];
                    }

                    gradient[bOffset + j] = sum;
                }
            }

            var dPrevious = new double[m, nIn];
            for (int i = 0; i < m; i++)
            {
                for (int k = 0; k < nIn; k++)
                {
                    double sum = 0;
                    for (int j = 0; j < nOut; j++)
                    {
                        sum += dZ[i, j] * parameters[wOffset + (k * nOut) + j];
                    }

                    dPrevious[i, k] = sum;
                }
            }

            dA = dPrevious;
        }

        return (loss, gradient);
    }

    private double[][,] Forward(double[] parameters, double[] inputs, out double[][,] z)
    {
        int m = inputs.Length / _layers[0];
        int last = _layers.Length - 1;
        var a = new double[last + 1][,];
        z = new double[last + 1][,];
        a[0] = ToMatrix(inputs, m, _layers[0]);
        for (int l = 1; l <= last; l++)
        {
            int nIn = _layers[l - 1];
            int nOut = _layers[l];
            (int wOffset, int bOffset) = Offsets(l);
            z[l] = new double[m, nOut];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < nOut; j++)
                {
                    double sum = _bias ? parameters[bOffset + j] : 0;
                    for (int k = 0; k < nIn; k++)
                    {
                        sum += a[l - 1][i, k] * parameters[wOffset + (k * nOut) + j];
                    }

                    z[l][i, j] = sum;
                }
            }

            a[l] = Activate(_activations[l - 1], z[l]);
        }

        return a;
    }

    private double LossOf(double[,] p, double[,] zL, double[,] y)
    {
        int m = p.GetLength(0);
        double sum = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < p.GetLength(1); j++)
            {
                sum += _loss switch
                {
                    LossFunction.MeanSquaredError => (p[i, j] - y[i, j]) * (p[i, j] - y[i, j]),
                    // From the logits for stability, as -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z).
                    LossFunction.BinaryCrossEntropy => -((y[i, j] * -Math.Log(1 + Math.Exp(-zL[i, j]))) + ((1 - y[i, j]) * -Math.Log(1 + Math.Exp(zL[i, j])))),
                    _ => y[i, j] == 0 ? 0 : -y[i, j] * Math.Log(p[i, j]),
                };
            }
        }

        return sum / m;
    }

    private static double[,] Activate(Activation activation, double[,] z)
    {
        int m = z.GetLength(0);
        int n = z.GetLength(1);
        var a = new double[m, n];
        for (int i = 0; i < m; i++)
        {
            double max = double.NegativeInfinity;
            double expSum = 0;
            if (activation == Activation.Softmax)
            {
                for (int j = 0; j < n; j++)
                {
                    max = Math.Max(max, z[i, j]);
                }

                for (int j = 0; j < n; j++)
                {
                    expSum += Math.Exp(z[i, j] - max);
                }
            }

            for (int j = 0; j < n; j++)
            {
                double v = z[i, j];
                a[i, j] = activation switch
                {
                    Activation.Identity => v,
                    Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
                    Activation.Tanh => Math.Tanh(v),
                    Activation.ReLU => v > 0 ? v : 0,
                    Activation.LeakyReLU => v > 0 ? v : 0.01 * v,
                    _ => Math.Exp(v - max) / expSum,
                };
            }
        }

        return a;
    }

    private static double[,] ActivationBackward(Activation activation, double[,] z, double[,] a, double[,] dA)
    {
        int m = z.GetLength(0);
        int n = z.GetLength(1);
        var dZ = new double[m, n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (activation == Activation.Softmax)
                {
                    // dZ_j = sum_k dA_k * dP_k/dZ_j, with dP_k/dZ_j = P_k (delta_kj - P_j).
                    double sum = 0;
                    for (int k = 0; k < n; k++)
                    {
                        sum += dA[i, k] * a[i, k] * ((k == j ? 1 : 0) - a[i, j]);
                    }

                    dZ[i, j] = sum;
                    continue;
                }

                double derivative = activation switch
                {
                    Activation.Identity => 1,
                    Activation.Sigmoid => a[i, j] * (1 - a[i, j]),
                    Activation.Tanh => 1 - (a[i, j] * a[i, j]),
                    Activation.ReLU => z[i, j] > 0 ? 1 : 0,
                    _ => z[i, j] > 0 ? 1 : 0.01,
                };
                dZ[i, j] = dA[i, j] * derivative;
            }
        }

        return dZ;
    }

    private (int WeightOffset, int BiasOffset) Offsets(int layer)
    {
        int offset = 0;
        for (int l = 1; l < layer; l++)
        {
            offset += (_layers[l - 1] * _layers[l]) + (_bias ? _layers[l] : 0);
        }

        return (offset, offset + (_layers[layer - 1] * _layers[layer]));
    }

    private static double[,] ToMatrix(double[] values, int rows, int columns)
    {
        var matrix = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                matrix[i, j] = values[(i * columns) + j];
            }
        }

        return matrix;
    }

    private static double[] Flatten(double[,] matrix)
    {
        var values = new double[matrix.Length];
        int index = 0;
        foreach (double value in matrix)
        {
            values[index++] = value;
        }

        return values;
    }
}
