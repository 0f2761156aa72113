using System;
using System.Linq;

namespace OptimDsl.PropertyTests.Reference
{
    /// <summary>
    /// HuggingFace Adafactor's step for one parameter (docs/DSL.md, the [Adafactor] paragraph; ALGORITHMS.md §5), fed with
    /// the processed gradient d. Factored for rank ≥ 2 over the last two dimensions.
    /// </summary>
    public sealed class AdafactorReference
    {
        private readonly int[] _shape;
        private readonly bool _factored;
        private double[] _row;   // shape[:-1]
        private double[] _col;   // shape[:-2] + shape[-1:]
        private double[] _v;     // unfactored
        private double[]? _m;

        public AdafactorReference(int[] shape)
        {
            _shape = shape;
            _factored = shape.Length >= 2;
            int n = RefTensor.Numel(shape);
            if (_factored)
            {
                int cols = shape[^1];
                int rows = shape[^2];
                int batch = n / (rows * cols);
                _row = new double[batch * rows];
                _col = new double[batch * cols];
                _v = Array.Empty<double>();
            }
            else
            {
                _row = Array.Empty<double>();
                _col = Array.Empty<double>();
                _v = new double[n];
            }
        }

        /// <summary>Returns the new parameter value.</summary>
        public double[] Step(RefAdafactor o, double[] p, double[] d, long t)
        {
            double rho = o.RelativeStep
                ? Math.Min(o.WarmupInit ? 1e-6 * t : 1e-2, 1.0 / Math.Sqrt(t))
                : o.Lr ?? throw new InvalidOperationException("lr is required without relative_step");
            double lrT = o.ScaleParameter ? rho * Math.Max(o.Eps2, V.Rms(p)) : rho;
            double beta2T = 1.0 - Math.Pow(t, o.DecayRate);
            double[] u = d.Select(x => x * x + o.Eps1).ToArray();
            double[] update;
            if (_factored)
            {
                int cols = _shape[^1];
                int rows = _shape[^2];
                int batch = d.Length / (rows * cols);
                var rowMean = new double[batch * rows];
                var colMean = new double[batch * cols];
                for (int b = 0; b < batch; b++)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        for (int j = 0; j < cols; j++)
                        {
                            double v = u[(b * rows + i) * cols + j];
                            rowMean[b * rows + i] += v / cols;
                            colMean[b * cols + j] += v / rows;
                        }
                    }
                }

                _row = V.Ema(_row, beta2T, rowMean);
                _col = V.Ema(_col, beta2T, colMean);
                update = new double[d.Length];
                for (int b = 0; b < batch; b++)
                {
                    double meanRow = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        meanRow += _row[b * rows + i];
                    }

                    meanRow /= rows;
                    for (int i = 0; i < rows; i++)
                    {
                        for (int j = 0; j < cols; j++)
                        {
                            int e = (b * rows + i) * cols + j;
                            update[e] = d[e] / Math.Sqrt(_row[b * rows + i] / meanRow) / Math.Sqrt(_col[b * cols + j]);
                        }
                    }
                }
            }
            else
            {
                _v = V.Ema(_v, beta2T, u);
                update = V.Div(d, V.Sqrt(_v));
            }

            update = V.Scale(update, 1.0 / Math.Max(1.0, V.Rms(update) / o.ClipThreshold));
            update = V.Scale(update, lrT);
            if (o.Beta1 is { } beta1)
            {
                _m = V.Ema(_m ?? V.Zeros(d.Length), beta1, update);
                update = _m;
            }

            double[] next = p;
            if (o.WeightDecay != 0)
            {
                next = V.AddScaled(next, -o.WeightDecay * lrT, next);
            }

            return V.Sub(next, update);
        }
    }
}
