using System;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes.Functions
{
    /// <summary>
    /// The arithmetic of the loss formulas, with every <see cref="Scalar"/> kept alive until its native call returns.
    /// </summary>
    /// <remarks>
    /// TorchSharp 0.107's operators with a number (<c>2 * x</c>, <c>x + 1</c>), <c>a + b</c> (an implicit
    /// <c>alpha = 1</c>) and <c>x.square()</c> (the exponent 2) create a temporary Scalar, pass its native handle to
    /// libtorch and drop the managed object: when the garbage collector finalizes it during the call, libtorch reads freed
    /// memory and fails ("Unknown scalar type", internal assertions in <c>Scalar.h</c>). A toy run makes millions of such
    /// tiny calls, so this happened within a minute; the surfaces therefore use only these methods, which hold every
    /// Scalar in a <c>using</c> (or in a static field, for the life of the process) across the call.
    /// </remarks>
    internal sealed class TensorArithmetic
    {
        // The alpha of the additions (the double 1.0). Held for the life of the process (an instance field could be
        // finalized with its object once a call has read it); never disposed.
        private static readonly Scalar One = 1.0.ToScalar();

        /// <summary><paramref name="a"/> + <paramref name="b"/>, element-wise with broadcasting.</summary>
        public Tensor Add(Tensor a, Tensor b) => a.add(b, One);

        /// <summary><paramref name="a"/> − <paramref name="b"/>, element-wise with broadcasting.</summary>
        public Tensor Subtract(Tensor a, Tensor b) => a.sub(b);

        /// <summary><paramref name="a"/> · <paramref name="b"/>, element-wise with broadcasting.</summary>
        public Tensor Multiply(Tensor a, Tensor b) => a.mul(b);

        /// <summary><paramref name="a"/>², element-wise (a product: no exponent scalar).</summary>
        public Tensor Square(Tensor a) => a.mul(a);

        /// <summary><paramref name="factor"/> · <paramref name="a"/>.</summary>
        public Tensor Scale(Tensor a, double factor)
        {
            using Scalar scalar = factor.ToScalar();
            return a.mul(scalar);
        }

        /// <summary><paramref name="a"/> + <paramref name="value"/>.</summary>
        public Tensor Shift(Tensor a, double value)
        {
            using Scalar scalar = value.ToScalar();
            return a.add(scalar, One);
        }

        /// <summary><c>constant + Σ coefficient · term</c> (the terms must broadcast together).</summary>
        public Tensor Linear(double constant, params (double Coefficient, Tensor Term)[] terms)
        {
            if (terms.Length == 0)
            {
                throw new ArgumentException("A linear combination needs at least one term.", nameof(terms));
            }

            Tensor sum = Scale(terms[0].Term, terms[0].Coefficient);
            for (int i = 1; i < terms.Length; i++) sum = Add(sum, Scale(terms[i].Term, terms[i].Coefficient));
            return constant == 0 ? sum : Shift(sum, constant);
        }
    }
}
