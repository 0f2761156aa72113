namespace OptimDsl.Generator.Lowering
{
    /// <summary>The operands every lowered step has, by name (the others are the declaration's state tensors).</summary>
    internal static class StepOperands
    {
        /// <summary>The parameter, updated in place.</summary>
        public const string Parameter = "__param";

        /// <summary>The parameter's gradient, read only.</summary>
        public const string Gradient = "__grad";
    }
}
