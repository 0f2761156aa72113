using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Planning
{
    /// <summary>
    /// Stage 3 output (plan): what to emit for one optimizer, as values: its arguments, its state, the ordered
    /// step operations and the scheduler interfaces it implements.
    /// </summary>
    internal sealed record OptimizerPlan(
        TypeDeclarationInfo Type,
        BlockSet Blocks,
        EquatableArray<HyperParameter> HyperParameters,
        EquatableArray<StateTensor> State,
        EquatableArray<StateObject> Objects,
        EquatableArray<StepOp> Steps,
        bool ImplementsBetas,
        bool ImplementsMomentum,
        bool DenominatorReusesAggregate,
        bool FoldsAggregateScale,
        string FormatTag);
}
