namespace OptimDsl.Generator
{
    /// <summary>Names of the tracked pipeline steps (asserted by the incremental-caching tests).</summary>
    public static class TrackingNames
    {
        /// <summary>Stage 1: attribute data to a plain declaration.</summary>
        public const string Parse = "OptimDsl.Parse";

        /// <summary>Stage 2: declaration plus all diagnostics.</summary>
        public const string Validate = "OptimDsl.Validate";

        /// <summary>Stage 3: valid declarations lowered to plans.</summary>
        public const string Plan = "OptimDsl.Plan";

        /// <summary>Whether TorchSharp is referenced (a tiny fact of the compilation).</summary>
        public const string Compilation = "OptimDsl.Compilation";

        /// <summary>Diagnostics of each declaration.</summary>
        public const string Diagnostics = "OptimDsl.Diagnostics";

        /// <summary>All declared names, for cross-declaration checks.</summary>
        public const string Names = "OptimDsl.Names";
    }
}
