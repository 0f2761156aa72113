using System;
using System.Linq;

namespace OptimDsl.PropertyTests.Reference
{
    /// <summary>One tensor of the reference: row-major float64 values and a shape.</summary>
    public sealed class RefTensor
    {
        public RefTensor(double[] data, int[] shape)
        {
            if (data.Length != Numel(shape))
            {
                throw new ArgumentException("data length " + data.Length + " does not match shape [" + string.Join(",", shape) + "]");
            }

            Data = data;
            Shape = shape;
        }

        public double[] Data { get; }

        public int[] Shape { get; }

        public int Rank => Shape.Length;

        public RefTensor Clone() => new((double[])Data.Clone(), (int[])Shape.Clone());

        public static int Numel(int[] shape) => shape.Aggregate(1, (a, b) => a * b);
    }

    /// <summary>Element-wise helpers over <c>double[]</c>; every function returns a new array.</summary>
    public static class V
    {
        public static double[] Zeros(int n) => new double[n];

        public static double[] Fill(int n, double value) => Enumerable.Repeat(value, n).ToArray();

        public static double[] Copy(double[] a) => (double[])a.Clone();

        public static double[] Neg(double[] a) => a.Select(x => -x).ToArray();

        public static double[] Scale(double[] a, double s) => a.Select(x => s * x).ToArray();

        public static double[] Add(double[] a, double[] b) => a.Select((x, i) => x + b[i]).ToArray();

        /// <summary>a + s·b.</summary>
        public static double[] AddScaled(double[] a, double s, double[] b) => a.Select((x, i) => x + s * b[i]).ToArray();

        public static double[] Sub(double[] a, double[] b) => a.Select((x, i) => x - b[i]).ToArray();

        public static double[] Mul(double[] a, double[] b) => a.Select((x, i) => x * b[i]).ToArray();

        public static double[] Div(double[] a, double[] b) => a.Select((x, i) => x / b[i]).ToArray();

        public static double[] Square(double[] a) => a.Select(x => x * x).ToArray();

        public static double[] Sqrt(double[] a) => a.Select(Math.Sqrt).ToArray();

        public static double[] Max(double[] a, double[] b) => a.Select((x, i) => Math.Max(x, b[i])).ToArray();

        /// <summary>β·a + (1 − β)·b.</summary>
        public static double[] Ema(double[] a, double beta, double[] b) => a.Select((x, i) => beta * x + (1 - beta) * b[i]).ToArray();

        public static double Norm(double[] a) => Math.Sqrt(a.Sum(x => x * x));

        /// <summary>Root mean square: ‖a‖ / √numel.</summary>
        public static double Rms(double[] a) => Norm(a) / Math.Sqrt(a.Length);
    }
}
