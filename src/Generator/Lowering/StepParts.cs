using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Lowering
{
    /// <summary>Where a hoisted scalar is computed: once per group, or once per parameter (it depends on the parameter's step count).</summary>
    internal enum ScalarScope
    {
        Group,
        Parameter,
    }

    /// <summary>
    /// A host scalar hoisted out of the element loop: its C# expression over the group's option locals (and, with
    /// <see cref="ScalarScope.Parameter"/>, <c>state.step</c>). The tensor back end makes it a <c>Scalar</c>, the fused back
    /// end a <c>T</c> per work item.
    /// </summary>
    internal sealed record StepScalar(string Name, string Expression, ScalarScope Scope);

    /// <summary>
    /// A condition that holds or not for a whole tensor, as a C# boolean expression over the option locals and the
    /// parameter's <c>state</c> (e.g. <c>weight_decay != 0</c>, <c>amsgrad</c>). The fused back end evaluates it per tensor
    /// on the host.
    /// </summary>
    internal sealed record StepCondition(string Name, string Expression);

    /// <summary>How a state tensor comes to exist.</summary>
    internal enum LazyInit
    {
        /// <summary>Created with the state.</summary>
        None,

        /// <summary>Zeros, created by the first step that writes it.</summary>
        Zeros,

        /// <summary>A copy of the first value stored into it (<see cref="StoreFirstOrUpdate"/>).</summary>
        FromFirstStore,
    }

    /// <summary>
    /// A tensor the element-wise statements read or write: the parameter, its gradient, or a state tensor. <see cref="Tensor"/>
    /// is its C# expression in the step (e.g. <c>__state.exp_avg</c>); <see cref="Present"/>, when set, names the condition
    /// under which it exists (e.g. <c>amsgrad</c>); <see cref="Lazy"/> says how a lazily created one starts;
    /// <see cref="StateField"/> is the field of the parameter's <c>State</c> that holds a state tensor (null for the parameter
    /// and its gradient).
    /// </summary>
    internal sealed record StepOperand(string Name, string Tensor, bool Written, string? Present = null, LazyInit Lazy = LazyInit.None, string? StateField = null);

    /// <summary>The critical buffer's part of the step: the C# expressions of its per-group arguments.</summary>
    /// <param name="Rule">The aggregation rule.</param>
    /// <param name="Kappa">The weight of the buffer term (both back ends read it from the group's <c>kappaWeight</c>).</param>
    /// <param name="CriticalTest">The random-replacement probability (<c>0.0</c> without random replacement).</param>
    /// <param name="MaxAge">The maximum age of entries.</param>
    /// <param name="Decay">The priority decay.</param>
    /// <param name="Synced">Whether priorities are the group's sum of norms.</param>
    /// <param name="PrioritiesOnHost">Whether the structure needs host priorities whatever the device (the heap).</param>
    /// <param name="RunningSum">Whether the buffer keeps a running sum (false: a heap that recomputes it in list order).</param>
    internal sealed record CriticalLowering(
        string Rule,
        string Kappa,
        string CriticalTest,
        string MaxAge,
        string Decay,
        string Synced,
        bool PrioritiesOnHost,
        bool RunningSum);

    /// <summary>
    /// The group-level guard of <c>[SkipNonFinite]</c>: before anything of the group's step runs, when the C# condition
    /// <paramref name="Condition"/> holds and any of the group's gradients holds a NaN or an infinite value, the whole step of
    /// the group is skipped and each parameter with a gradient adds one to its state field <paramref name="Counter"/>.
    /// </summary>
    /// <param name="Condition">The option that switches skipping on (<c>skip_nonfinite</c>).</param>
    /// <param name="Counter">The per-parameter state field counting skipped steps (<c>skipped_steps</c>).</param>
    internal sealed record SkipLowering(string Condition, string Counter);

    /// <summary>
    /// Stage 3 output for the step: what one optimizer step does to one parameter, as typed per-element statements over named
    /// operands, hoisted scalars and whole-tensor conditions, with the composite blocks (critical buffer, SM3, Adafactor)
    /// as statements whose reductions and host decisions each back end knows. Both back ends — tensor operations for any
    /// device and dtype, the fused CPU kernels — are emitted from this alone.
    /// </summary>
    internal sealed record LoweredStep(
        EquatableArray<StepScalar> Scalars,
        EquatableArray<StepCondition> Conditions,
        EquatableArray<StepOperand> Operands,
        EquatableArray<Statement> Statements,
        CriticalLowering? Critical,
        bool WalksRows,
        SkipLowering? Skip);
}
