using System.Text.RegularExpressions;

namespace OptimDsl.PropertyTests.Harness
{
    /// <summary>
    /// Planted bugs for the property suites, each applied to both back ends of the generated step (the tensor-operation
    /// path's <c>AggregateAndOffer</c> call and the fused kernels' <c>FusedCritical.Aggregate</c> call), so a suite must catch
    /// it whichever path a case runs on.
    /// </summary>
    public static class Mutations
    {
        /// <summary>The buffer term enters with the wrong sign (κ → −κ): <c>__kappaWeight</c> feeds both paths.</summary>
        public static string NegateBufferWeight(string source) =>
            Regex.Replace(source, @"double __kappaWeight = (?<v>[^;]+);", "double __kappaWeight = -(${v});");

        /// <summary>The current quantity enters the aggregate with the wrong sign (the tensor path also offers it negated).</summary>
        public static string NegateCurrentQuantity(string source) =>
            Replace(source, "(${x}).neg()", "-(${x})");

        /// <summary>The current quantity is zeroed where it is aggregated (the tensor path also offers the zero).</summary>
        public static string DropCurrentQuantity(string source) =>
            Replace(source, "(${x}).mul(0.0)", "(${x}) * global::System.Numerics.Vector<T>.Zero");

        private static string Replace(string source, string tensorPath, string fusedPath)
        {
            string mutated = Regex.Replace(source, @"\.AggregateAndOffer\((?<x>[^,]+),", ".AggregateAndOffer(" + tensorPath + ",");
            return Regex.Replace(mutated, @"FusedCritical\.Aggregate\((?<x>[^,]+),", "FusedCritical.Aggregate(" + fusedPath + ",");
        }
    }
}
