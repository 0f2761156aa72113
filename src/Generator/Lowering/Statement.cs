using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Lowering
{
    /// <summary>One statement of the lowered per-parameter step, in order.</summary>
    internal abstract record Statement;

    /// <summary>A new local value.</summary>
    internal sealed record Define(string Local, Expr Value) : Statement;

    /// <summary>A local value replaced.</summary>
    internal sealed record Assign(string Local, Expr Value) : Statement;

    /// <summary>An operand (parameter or state tensor) written in place.</summary>
    internal sealed record Store(string Operand, Expr Value) : Statement;

    /// <summary>
    /// A lazily created state tensor (<see cref="LazyInit.FromFirstStore"/>): <paramref name="First"/> on its first use,
    /// <paramref name="Update"/> afterwards (PyTorch's SGD momentum buffer is a clone of its first input).
    /// </summary>
    internal sealed record StoreFirstOrUpdate(string Operand, Expr First, Expr Update) : Statement;

    /// <summary>Statements that run only when a whole-tensor condition holds (and others when it does not).</summary>
    internal sealed record When(string Condition, EquatableArray<Statement> Then, EquatableArray<Statement> Otherwise) : Statement;

    /// <summary>
    /// The critical buffer's step for this parameter: <paramref name="Target"/> becomes <paramref name="Source"/> aggregated
    /// with the stored entries, then <paramref name="Source"/> is offered — or, on the buffer's very first offer,
    /// <paramref name="Seed"/> is offered and nothing is aggregated. Skipped while the buffer is switched off.
    /// </summary>
    internal sealed record CriticalOffer(string Source, string Target, string Seed) : Statement;

    /// <summary>
    /// The reference's seed-only first step: while the buffer has never received anything, offer <paramref name="Seed"/> and
    /// end this parameter's step (its moments and the parameter stay where they are).
    /// </summary>
    internal sealed record CriticalSeedOnly(string Seed) : Statement;

    /// <summary>
    /// SM3's second-moment estimate: <paramref name="Target"/> = the cover-set estimate from the accumulators (state object
    /// <paramref name="StateObject"/>) and <paramref name="Input"/>², after which the accumulators take the maxima of it.
    /// <paramref name="Beta"/> is the C# expression of the coefficient.
    /// </summary>
    internal sealed record Sm3Estimate(string Target, string Input, string Beta, string StateObject) : Statement;

    /// <summary>
    /// HuggingFace's Adafactor update of the parameter from <paramref name="Input"/>: factored second moment (state object
    /// <paramref name="StateObject"/>), relative step size, update clipping, the optional first moment of the update
    /// (operand <paramref name="FirstMoment"/>, under condition <paramref name="UseFirstMoment"/>, with the scalars
    /// <paramref name="Beta1"/> and <paramref name="OneMinusBeta1"/>), and weight decay scaled by the relative step (under
    /// <paramref name="UseWeightDecay"/>, scalar <paramref name="NegativeWeightDecay"/>). The remaining members are the C#
    /// expressions of its arguments.
    /// </summary>
    internal sealed record AdafactorUpdate(
        string Input,
        string StateObject,
        string FirstMoment,
        string UseFirstMoment,
        string Beta1,
        string OneMinusBeta1,
        string UseWeightDecay,
        string NegativeWeightDecay,
        string Lr,
        string Eps1,
        string Eps2,
        string ClipThreshold,
        string DecayRate,
        string ScaleParameter,
        string RelativeStep,
        string WarmupInit) : Statement;
}
