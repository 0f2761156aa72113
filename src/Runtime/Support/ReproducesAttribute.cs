using System;

namespace OptimDsl
{
    /// <summary>
    /// Documents that an optimizer reproduces a published reference exactly (for example <c>"cg.Adam_C"</c>: CGOptimizer
    /// <c>optim.py</c>'s <c>Adam_C</c>), so the replay tests can find it by the reference's name. No effect on generation.
    /// Internal to the catalog (the tests see it through InternalsVisibleTo); not part of the DSL.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    internal sealed class ReproducesAttribute : Attribute
    {
        /// <summary>Creates the attribute.</summary>
        public ReproducesAttribute(string reference) => Reference = reference;

        /// <summary>The reference, as <c>prefix.Class</c> (prefixes: torch, cg, cge, cm, sm3, hf).</summary>
        public string Reference { get; }
    }
}
