using System.Collections.Generic;
using System.Linq;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Naming;
using static OptimDsl.Generator.Lowering.E;

namespace OptimDsl.Generator.Lowering
{
    /// <summary>
    /// Stage 3 (plan), the step: lowers a declaration's blocks to a <see cref="LoweredStep"/>, in the canonical order of
    /// docs/DSL.md. This is the only place that knows what each block does to a parameter; the emitters read the result. Pure.
    /// </summary>
    internal static class StepLowering
    {
        public static LoweredStep Lower(BlockSet b) => new Builder(b).Build();

        private sealed class Builder
        {
            private const string Param = StepOperands.Parameter;
            private const string Grad = StepOperands.Gradient;
            private const string D = "__d";
            private const string Numerator = "__numerator";

            private readonly BlockSet _b;
            private readonly List<StepScalar> _scalars = new();
            private readonly List<StepCondition> _conditions = new();
            private readonly List<StepOperand> _operands = new();

            public Builder(BlockSet b) => _b = b;

            public LoweredStep Build()
            {
                Operand(Param, Param, written: true);
                Operand(Grad, Grad, written: false);
                var statements = new List<Statement>();
                Gradient(statements);
                bool done = Adafactor(statements);
                if (!done)
                {
                    SecondMoments(statements, out string? secondMoment);
                    string? denominator = Denominator(statements, secondMoment);
                    Update(statements, denominator);
                }

                return new LoweredStep(
                    _scalars.ToEquatableArray(),
                    _conditions.ToEquatableArray(),
                    _operands.ToEquatableArray(),
                    statements.ToEquatableArray(),
                    Critical(),
                    WalksRows: _b.SM3 is not null || _b.Adafactor is not null,
                    Skip: _b.SkipNonFinite is null ? null : new SkipLowering("skip_nonfinite", "skipped_steps"));
            }

            // Steps 1-9: weight decay, the gradient, the critical buffer, heavy-ball momentum, the first moment.
            private void Gradient(List<Statement> s)
            {
                bool gradientBuffer = _b.CriticalBuffer is { Source: CriticalSource.Gradient };
                bool l2After = _b.WeightDecay is { Mode: WeightDecayMode.L2, Order: WeightDecayOrder.AfterCriticalBuffer } && gradientBuffer;
                if (_b.WeightDecay is { Mode: WeightDecayMode.Decoupled })
                {
                    s.Add(IfThen(Condition("__applyWeightDecay", "weight_decay != 0"),
                        new Store(Param, Mul(V(Param), S(Scalar("__decoupledFactor", "1 - lr * weight_decay"))))));
                }

                s.Add(new Define(D, _b.Maximize is null ? V(Grad) : If(Condition("__maximize", "maximize"), Neg(V(Grad)), V(Grad))));
                if (_b.WeightDecay is { Mode: WeightDecayMode.L2 } && !l2After)
                {
                    s.Add(L2());
                }

                if (_b.CriticalBuffer is { FirstStep: CriticalFirstStep.NoOp } seedOnly)
                {
                    s.Add(new CriticalSeedOnly(seedOnly.Source == CriticalSource.Gradient || seedOnly.SeedWithGradient ? D : FirstMomentOperand()));
                }

                if (gradientBuffer)
                {
                    s.Add(new CriticalOffer(D, D, D));
                }

                if (l2After)
                {
                    s.Add(L2());
                }

                if (_b.Momentum is { Input: MomentInput.Gradient })
                {
                    string buffer = StateOperand("momentum_buffer", written: true, present: "__useMomentum", lazy: LazyInit.FromFirstStore);
                    string momentum = Scalar("__momentumScalar", "momentum");
                    s.Add(IfThen(Condition("__useMomentum", "momentum != 0"),
                        new StoreFirstOrUpdate(buffer, V(D), Add(Mul(V(buffer), S(momentum)), Mul(V(D), S(Scalar("__oneMinusDampening", "1 - dampening"))))),
                        new Assign(D, If(Condition("__nesterov", "nesterov"), Add(V(D), Mul(V(buffer), S(momentum))), V(buffer)))));
                }

                if (_b.FirstMoment is { Input: MomentInput.Gradient } first)
                {
                    string m = FirstMomentOperand();
                    s.Add(new Store(m, Add(Mul(V(m), S(Scalar("__beta1Scalar", first.Name))), Mul(V(D), S(Scalar("__oneMinusBeta1", "1 - " + first.Name))))));
                    s.Add(new Define(Numerator, V(m)));
                }

                if (_b.CriticalBuffer is { Source: CriticalSource.Momentum } c)
                {
                    string m = FirstMomentOperand();
                    string seed = c.SeedWithGradient && c.FirstStep != CriticalFirstStep.NoOp ? D : m;
                    s.Add(new CriticalOffer(m, Numerator, seed));
                }
            }

            private Statement L2() =>
                IfThen(Condition("__applyWeightDecay", "weight_decay != 0"), new Assign(D, Add(V(D), Mul(V(Param), S(Scalar("__weightDecayScalar", "weight_decay"))))));

            private string FirstMomentOperand() => StateOperand("exp_avg", written: true);

            // Steps 10-13: the second moment (EMA, centered), the accumulator, SM3, AMSGrad. Out: the tensor under the square root.
            private void SecondMoments(List<Statement> s, out string? secondMoment)
            {
                string input = _b.CriticalBuffer is { FeedsSecondMoment: true } && _b.FirstMoment is { Input: MomentInput.Gradient } ? Numerator : D;
                secondMoment = null;
                if (_b.SecondMoment is { } second)
                {
                    string v = StateOperand("exp_avg_sq", written: true);
                    string beta = Scalar("__beta2Scalar", second.Name);
                    string take = Scalar("__oneMinusBeta2", "1 - " + second.Name);
                    s.Add(new Store(v, Add(Mul(V(v), S(beta)), Mul(Mul(V(input), V(input)), S(take)))));
                    if (second.Centered)
                    {
                        string a = StateOperand("grad_avg", written: true, present: Condition("__centered", "centered"));
                        s.Add(IfThen("__centered", new Store(a, Add(Mul(V(a), S(beta)), Mul(V(input), S(take))))));
                    }

                    secondMoment = v;
                }

                if (_b.Accumulator is not null)
                {
                    string sum = StateOperand("sum", written: true);
                    s.Add(new Store(sum, Add(V(sum), Mul(Mul(V(D), V(D)), S(Scalar("__one", "1.0"))))));
                    secondMoment = sum;
                }

                if (_b.SM3 is not null)
                {
                    s.Add(new Sm3Estimate("__nu", input, "beta", "sm3"));
                    secondMoment = "__nu";
                }

                if (_b.AmsGrad is not null && _b.SecondMoment is not null)
                {
                    string max = StateOperand("max_exp_avg_sq", written: true, present: Condition("__amsgrad", "amsgrad"));
                    s.Add(IfThen("__amsgrad", new Store(max, Max(V(max), V("__exp_avg_sq")))));
                }
            }

            // Step 14: the denominator (null without a second moment).
            private string? Denominator(List<Statement> s, string? secondMoment)
            {
                if (secondMoment is null)
                {
                    return null;
                }

                Expr v = _b.AmsGrad is not null && secondMoment == "__exp_avg_sq" ? If("__amsgrad", V("__max_exp_avg_sq"), V(secondMoment)) : V(secondMoment);
                bool inside = _b.Epsilon is { Placement: EpsilonPlacement.InsideSqrt };
                Expr eps() => S(Scalar("__epsScalar", "eps"));
                Expr denominator;
                if (_b.SecondMoment is { Centered: true })
                {
                    Expr a = V("__grad_avg");
                    Expr variance = Add(v, Mul(Mul(a, a), S(Scalar("__negativeOne", "-1.0"))));
                    denominator = inside ? Sqrt(Add(If("__centered", variance, v), eps())) : If("__centered", Sqrt(variance), Sqrt(v));
                }
                else
                {
                    denominator = inside ? Sqrt(Add(v, eps())) : Sqrt(v);
                }

                if (_b.BiasCorrection is not null && _b.SecondMoment is { } second)
                {
                    denominator = Div(denominator, S(Scalar("__secondMomentCorrection", "global::System.Math.Sqrt(1 - global::System.Math.Pow(" + second.Name + ", __state.step))", ScalarScope.Parameter)));
                }

                if (_b.Epsilon is not null && !inside)
                {
                    denominator = Add(denominator, eps());
                }

                s.Add(new Define("__denom", denominator));
                return "__denom";
            }

            // Steps 15-16: the step size and the update of the parameter.
            private void Update(List<Statement> s, string? denominator)
            {
                string stepSize = HyperParameters.LearningRateName;
                if (_b.BiasCorrection is not null && _b.FirstMoment is { Input: MomentInput.Gradient } onGradient)
                {
                    stepSize += " / (1 - global::System.Math.Pow(" + onGradient.Name + ", __state.step))";
                }

                if (_b.LrDecay is not null)
                {
                    stepSize += " / (1 + (__state.step - 1) * lr_decay)";
                }

                Expr step = S(Scalar("__negativeStepSize", "-(" + stepSize + ")", ScalarScope.Parameter));
                Expr numerator = V(_b.FirstMoment is { Input: MomentInput.Gradient } ? Numerator : D);
                Expr preconditioned = denominator is null ? numerator : Div(numerator, V(denominator));
                if (_b.Momentum is { Input: MomentInput.Preconditioned })
                {
                    string condition = Condition("__usePreconditionedMomentum", "momentum > 0");
                    string buffer = StateOperand("momentum_buffer", written: true, present: condition, lazy: LazyInit.Zeros);
                    s.Add(new When(condition,
                        new Statement[]
                        {
                            new Store(buffer, Add(Mul(V(buffer), S(Scalar("__momentumScalar", "momentum"))), preconditioned)),
                            new Store(Param, Add(V(Param), Mul(V(buffer), step))),
                        }.ToEquatableArray(),
                        new Statement[] { new Store(Param, Add(V(Param), Mul(preconditioned, step))) }.ToEquatableArray()));
                }
                else if (_b.FirstMoment is { Input: MomentInput.Preconditioned } first)
                {
                    string condition = Condition("__useFirstMoment", first.Name + " != 0 || __state.exp_avg is not null");
                    string m = StateOperand("exp_avg", written: true, present: condition, lazy: LazyInit.Zeros);
                    s.Add(new Define("__update", preconditioned));
                    s.Add(IfThen(condition,
                        new Store(m, Add(Mul(V(m), S(Scalar("__beta1Scalar", first.Name))), Mul(V("__update"), S(Scalar("__oneMinusBeta1", "1 - " + first.Name))))),
                        new Assign("__update", V(m))));
                    s.Add(new Store(Param, Add(V(Param), Mul(V("__update"), step))));
                }
                else
                {
                    s.Add(new Store(Param, Add(V(Param), Mul(preconditioned, step))));
                }
            }

            // Adafactor replaces steps 10-16.
            private bool Adafactor(List<Statement> s)
            {
                if (_b.Adafactor is null)
                {
                    return false;
                }

                string condition = Condition("__useFirstMoment", "beta1 is not null");
                string m = StateOperand("exp_avg", written: true, present: condition, lazy: LazyInit.Zeros);
                s.Add(new AdafactorUpdate(D, "factored", m, condition,
                    Scalar("__beta1Scalar", "beta1 ?? 0.0"), Scalar("__oneMinusBeta1", "1 - (beta1 ?? 0.0)"),
                    Condition("__applyWeightDecay", "weight_decay != 0"), Scalar("__negativeWeightDecay", "-weight_decay"),
                    HyperParameters.LearningRateName, "eps1", "eps2", "clip_threshold", "decay_rate", "scale_parameter", "relative_step", "warmup_init"));
                return true;
            }

            private CriticalLowering? Critical()
            {
                if (_b.CriticalBuffer is not { } c)
                {
                    return null;
                }

                return new CriticalLowering(
                    Rule: c.AggregationArgument ? "aggr" : "global::OptimDsl.AggregationRule." + c.Aggregation,
                    Kappa: c.KappaUse == KappaUse.Switch ? "1.0" : "kappa",
                    CriticalTest: c.RandomReplacement ? "critical_test" : "0.0",
                    MaxAge: "max_age",
                    Decay: "decay",
                    Synced: "synced",
                    PrioritiesOnHost: c.Structure == CriticalBufferStructure.Heap,
                    RunningSum: c.Structure == CriticalBufferStructure.Slots || c.Sum == CriticalSum.Running);
            }

            private static Statement IfThen(string condition, params Statement[] then) =>
                new When(condition, then.ToEquatableArray(), EquatableArray<Statement>.Empty);

            private string Scalar(string name, string expression, ScalarScope scope = ScalarScope.Group)
            {
                if (!_scalars.Any(x => x.Name == name))
                {
                    _scalars.Add(new StepScalar(name, expression, scope));
                }

                return name;
            }

            private string Condition(string name, string expression)
            {
                if (!_conditions.Any(x => x.Name == name))
                {
                    _conditions.Add(new StepCondition(name, expression));
                }

                return name;
            }

            private string Operand(string name, string tensor, bool written, string? present = null, LazyInit lazy = LazyInit.None, string? stateField = null)
            {
                if (!_operands.Any(x => x.Name == name))
                {
                    _operands.Add(new StepOperand(name, tensor, written, present, lazy, stateField));
                }

                return name;
            }

            // A state tensor: the field of the parameter's State, under the reserved prefix in the lowered step.
            private string StateOperand(string field, bool written, string? present = null, LazyInit lazy = LazyInit.None) =>
                Operand(Identifiers.Local + field, "__state." + field, written, present, lazy, field);
        }
    }
}
