using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Planning
{
    /// <summary>
    /// Stage 3 output (plan): what to emit for one optimizer, as values: its arguments, its state, the lowered
    /// step and the scheduler interfaces it implements.
    /// </summary>
    internal sealed record OptimizerPlan(
        TypeDeclarationInfo Type,
        BlockSet Blocks,
        EquatableArray<HyperParameter> HyperParameters,
        EquatableArray<StateTensor> State,
        EquatableArray<StateObject> Objects,
        Lowering.LoweredStep Step,
        bool ImplementsBetas,
        bool ImplementsMomentum,
        string FormatTag);
}
