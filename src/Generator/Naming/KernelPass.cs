namespace OptimDsl.Generator.Naming
{
    /// <summary>The kernels of the fused back end: the element-wise pass and the reduction passes of the critical buffer and Adafactor.</summary>
    internal enum KernelPass
    {
        /// <summary>Every statement, each operand read and written once.</summary>
        Update,

        /// <summary>
        /// The critical buffer: the gradient's sum of squares (its priority norm) and whether the entry the element-wise pass
        /// will offer is finite (the statements it depends on, <c>Lowering.EntrySlice</c>, computed without storing).
        /// </summary>
        CriticalEntry,

        /// <summary>Adafactor: the sums of <c>x² + eps1</c> per row and column, and the parameter's sum of squares.</summary>
        AdafactorStatistics,

        /// <summary>Adafactor: the preconditioned update's sum of squares (its RMS clips it).</summary>
        AdafactorRms,
    }
}
