namespace OptimDsl.Generator.Emission
{
    /// <summary>Fully qualified names used by the fused CPU back end.</summary>
    internal static class FusedNames
    {
        public const string Batch = "global::OptimDsl.Runtime.FusedBatch<FusedTensor>";
        public const string Kernel = "global::OptimDsl.Runtime.FusedKernel<FusedTensor>";
        public const string WorkItem = "global::OptimDsl.Runtime.FusedWorkItem";
        public const string Memory = "global::OptimDsl.Runtime.FusedMemory";
        public const string Vector = "global::OptimDsl.Runtime.FusedVector";
        public const string Critical = "global::OptimDsl.Runtime.FusedCritical";
        public const string Dispatch = "global::OptimDsl.Runtime.FusedDispatch";
        public const string ParameterMemory = "global::OptimDsl.Runtime.FusedParameterMemory";
        public const string CachedMemory = "global::OptimDsl.Runtime.CachedTensorMemory";
        public const string GroupInputs = "global::OptimDsl.Runtime.GroupInputs";
        public const string HostKernels = "global::OptimDsl.Runtime.HostKernels";
        public const string CriticalOperands = "global::OptimDsl.Runtime.CriticalKernelOperands";
        public const string OfferPriority = "global::OptimDsl.Runtime.OfferPriority";
        public const string Span = "global::System.Span<T>";
        public const string VectorT = "global::System.Numerics.Vector<T>";
        public const string Element = "where T : unmanaged, global::System.Numerics.IBinaryFloatingPointIeee754<T>";
        public const string ScalarType = "global::TorchSharp.torch.ScalarType";

        /// <summary>
        /// The <c>State</c> field that caches what the fused path needs of a state tensor (<see cref="CachedMemory"/>), e.g.
        /// <c>__exp_avgMemory</c> for <c>exp_avg</c>; null for the parameter and its gradient, which are read each step.
        /// </summary>
        public static string? MemoryField(Lowering.StepOperand operand) =>
            operand.StateField is null ? null : operand.Name + "Memory";
    }
}
