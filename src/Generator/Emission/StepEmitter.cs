using System.Linq;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Planning;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The step: per group, options are read once and constants hoisted into <c>Scalar</c>s; per parameter, one
    /// straight-line pass of in-place tensor operations in the plan's order. Runs inside TorchSharp's
    /// <c>_step</c> (closure under enable_grad, then <c>no_grad</c> + one <c>DisposeScope</c>).
    /// </summary>
    internal static class StepEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            w.Line("/// <summary>Performs a single optimization step.</summary>");
            w.Line("/// <param name=\"closure\">Optional closure that re-evaluates the model and returns the loss.</param>");
            w.Line("/// <returns>The closure's loss, or null.</returns>");
            using (w.Block("public override " + Names.Tensor + " step(global::System.Func<" + Names.Tensor + ">? closure = null)"))
            {
                w.Line("return _step<ParamGroup>(StepGroup, closure);");
            }

            w.Line();
            w.Line("private void StepGroup(ParamGroup group)");
            w.Line("{");
            w.Indent();
            EmitGroupPrologue(w, plan);
            w.Line("for (int index = 0; index < parameters.Length; index++)");
            w.Line("{");
            w.Indent();
            w.Line(Names.Parameter + " param = parameters[index];");
            w.Line(Names.Tensor + "? grad = grads[index];");
            w.Line("if (grad is null) continue;");
            w.Line("if (grad.is_sparse) throw new global::System.NotSupportedException(\"" + plan.Type.Name + " does not support sparse gradients (parameter \" + index + \" of its group has one).\");");
            w.Line("var state = (State)_state[param.Handle];");
            w.Line("state.step += 1;");
            foreach (StepOp op in plan.Steps)
            {
                EmitOp(w, plan, op);
            }

            w.Outdent();
            w.Line("}");
            w.Outdent();
            w.Line("}");
            w.Line();
        }

        private static void EmitGroupPrologue(CodeWriter w, OptimizerPlan plan)
        {
            BlockSet b = plan.Blocks;
            w.Line("Options options = group.Options;");
            w.Line("double lr = options.LearningRate!.Value;");
            foreach (HyperParameter h in plan.HyperParameters.Where(h => h.Name != "lr" && h.Kind != HyperKind.NullableScalarType && h.Name != "topC" && h.Name != "seed"))
            {
                w.Line(h.Kind == HyperKind.NullableDouble
                    ? "double? " + h.Name + " = options." + h.Name + ";"
                    : "var " + h.Name + " = options." + h.Name + "!.Value;");
            }

            w.Line(Names.Parameter + "[] parameters = global::System.Linq.Enumerable.ToArray(group.Parameters);");
            w.Line("var grads = new " + Names.Tensor + "?[parameters.Length];");
            w.Line("for (int i = 0; i < parameters.Length; i++) grads[i] = parameters[i].grad;");

            if (b.CriticalBuffer is { } c)
            {
                string synced = "synced";
                w.Line(c.Structure == CriticalBufferStructure.Heap
                    ? "double[] priorities = " + Names.CriticalPriority + ".OnHost(grads, " + synced + ");"
                    : Names.Tensor + "?[] priorities = " + Names.CriticalPriority + ".OnDevice(grads, " + synced + ");");
                w.Line("double kappaWeight = " + (c.KappaUse == KappaUse.Switch ? "1.0" : "kappa") + ";");
            }

            // Scalars are native objects that DisposeScope does not track: create the per-group constants once.
            if (b.WeightDecay is { Mode: WeightDecayMode.Decoupled })
            {
                w.Line("using " + Names.Scalar + " decoupledFactor = 1 - lr * weight_decay;");
            }

            if (b.WeightDecay is { Mode: WeightDecayMode.L2 })
            {
                w.Line("using " + Names.Scalar + " weightDecayScalar = weight_decay;");
            }

            if (b.Momentum is { } m)
            {
                w.Line("using " + Names.Scalar + " momentumScalar = momentum;");
                if (m.Input == MomentInput.Gradient)
                {
                    w.Line("using " + Names.Scalar + " oneMinusDampening = 1 - dampening;");
                }
            }

            if (b.FirstMoment is { } first)
            {
                w.Line("using " + Names.Scalar + " beta1Scalar = " + first.Name + ";");
                w.Line("using " + Names.Scalar + " oneMinusBeta1 = 1 - " + first.Name + ";");
            }

            if (b.SecondMoment is { } second)
            {
                w.Line("using " + Names.Scalar + " beta2Scalar = " + second.Name + ";");
                w.Line("using " + Names.Scalar + " oneMinusBeta2 = 1 - " + second.Name + ";");
            }

            if (b.Accumulator is not null)
            {
                w.Line("using " + Names.Scalar + " one = 1.0;");
            }

            if (b.Adafactor is not null)
            {
                w.Line("using " + Names.Scalar + " beta1Scalar = beta1 ?? 0.0;");
                w.Line("using " + Names.Scalar + " oneMinusBeta1 = 1 - (beta1 ?? 0.0);");
                w.Line("using " + Names.Scalar + " negativeWeightDecay = -weight_decay;");
            }

            if (b.Epsilon is not null)
            {
                w.Line("using " + Names.Scalar + " epsScalar = eps;");
            }
        }

        private static void EmitOp(CodeWriter w, OptimizerPlan plan, StepOp op)
        {
            BlockSet b = plan.Blocks;
            switch (op)
            {
                case StepOp.DecoupledWeightDecay:
                    w.Line("if (weight_decay != 0) param.mul_(decoupledFactor);");
                    break;
                case StepOp.ReadGradient:
                    w.Line(Names.Tensor + " d = " + (b.Maximize is null ? "grad;" : "maximize ? grad.neg() : grad;"));
                    break;
                case StepOp.L2BeforeBuffer:
                    w.Line("if (weight_decay != 0) d = d.add(param, alpha: weightDecayScalar);");
                    break;
                case StepOp.L2AfterBuffer when plan.FoldsAggregateScale:
                    // d stands for aggregateScale × d: d + (weight_decay / aggregateScale)·p keeps that form.
                    using (w.Block("if (weight_decay != 0)"))
                    {
                        w.Line("using " + Names.Scalar + " scaledWeightDecay = weight_decay / aggregateScale;");
                        w.Line("d = d.add(param, alpha: scaledWeightDecay);");
                    }

                    break;
                case StepOp.L2AfterBuffer:
                    w.Line("if (weight_decay != 0) d = d.add(param, alpha: weightDecayScalar);");
                    break;
                case StepOp.CriticalSeedOnlyFirstStep:
                    EmitSeedOnlyFirstStep(w, b.CriticalBuffer!);
                    break;
                case StepOp.CriticalOnGradient:
                    if (plan.FoldsAggregateScale)
                    {
                        EmitScaledCritical(w, b.CriticalBuffer!);
                    }
                    else
                    {
                        EmitCritical(w, b.CriticalBuffer!, "d", "d", "d", keepAggregate: plan.DenominatorReusesAggregate);
                    }

                    break;
                case StepOp.HeavyBallOnGradient:
                    w.Line("if (momentum != 0)");
                    w.Line("{");
                    w.Line("    if (state.momentum_buffer is null) state.momentum_buffer = d.clone().detach().DetachFromDisposeScope();");
                    w.Line("    else state.momentum_buffer.mul_(momentumScalar).add_(d, alpha: oneMinusDampening);");
                    w.Line("    d = nesterov ? d.add(state.momentum_buffer, alpha: momentumScalar) : state.momentum_buffer;");
                    w.Line("}");
                    break;
                case StepOp.FirstMomentOnGradient when plan.FoldsAggregateScale:
                    w.Line("using " + Names.Scalar + " firstMomentWeight = (1 - " + b.FirstMoment!.Name + ") * aggregateScale;");
                    w.Line("state.exp_avg.mul_(beta1Scalar).add_(d, alpha: firstMomentWeight);");
                    w.Line(Names.Tensor + " numerator = state.exp_avg;");
                    break;
                case StepOp.FirstMomentOnGradient:
                    w.Line("state.exp_avg.mul_(beta1Scalar).add_(d, alpha: oneMinusBeta1);");
                    w.Line(Names.Tensor + " numerator = state.exp_avg;");
                    break;
                case StepOp.CriticalOnMomentum:
                    EmitCritical(w, b.CriticalBuffer!, "state.exp_avg", "numerator", "d");
                    break;
                case StepOp.SecondMomentEma when plan.FoldsAggregateScale:
                    w.Line("using " + Names.Scalar + " secondMomentWeight = (1 - " + b.SecondMoment!.Name + ") * aggregateScale * aggregateScale;");
                    w.Line("state.exp_avg_sq.mul_(beta2Scalar).addcmul_(d, d, value: secondMomentWeight);");
                    w.Line("state.critical?.FinishOffer(); // d may be the buffer's running sum up to here");
                    break;
                case StepOp.SecondMomentEma:
                    EmitSecondMoment(w, b);
                    break;
                case StepOp.Accumulate:
                    w.Line("state.sum.addcmul_(d, d, value: one);");
                    break;
                case StepOp.Sm3SecondMoment:
                    string input = b.CriticalBuffer is { FeedsSecondMoment: true } ? "numerator" : "d";
                    w.Line(Names.Tensor + " nu = state.sm3.Update(" + input + ", beta);");
                    break;
                case StepOp.AdafactorUpdate:
                    EmitAdafactor(w);
                    break;
                case StepOp.AmsGradMax:
                    w.Line("if (amsgrad) state.max_exp_avg_sq!.copy_(" + Names.Torch + ".maximum(state.max_exp_avg_sq, state.exp_avg_sq));");
                    break;
                case StepOp.Denominator:
                    EmitDenominator(w, b, plan.DenominatorReusesAggregate);
                    break;
                case StepOp.StepSize:
                    EmitStepSize(w, b);
                    break;
                case StepOp.ApplyUpdate:
                    EmitApply(w, b);
                    break;
                case StepOp.DecayPriorities:
                    w.Line("state.critical?.DecayPriorities(decay);");
                    break;
            }
        }

        // Aggregates `source` with the buffer into `target` (before insertion), then offers `source` to the buffer.
        // keepAggregate: also keep the aggregate in the local `aggregated` for the denominator (see OptimizerPlan.DenominatorReusesAggregate).
        private static void EmitCritical(CodeWriter w, CriticalBufferBlock c, string source, string target, string gradient, bool keepAggregate = false)
        {
            string rule = RuleExpression(c);
            string priority = c.Structure == CriticalBufferStructure.Heap ? "priorities[index]" : "priorities[index]!";
            string offerExtra = c.RandomReplacement ? ", critical_test" : string.Empty;
            bool momentum = c.Source == CriticalSource.Momentum;
            string seed = momentum && c.SeedWithGradient && c.FirstStep != CriticalFirstStep.NoOp ? gradient : source;
            if (keepAggregate)
            {
                w.Line("// A fresh tensor, dead once the moments are updated: its memory then holds the denominator.");
                w.Line(Names.Tensor + "? aggregated = null;");
                target += " = aggregated";
            }

            using (w.Block("if (state.critical is not null)"))
            {
                w.Line("state.critical.DropOlderThan(max_age);");
                w.Line("if (state.critical.HasEverReceived) " + target + " = state.critical.AggregateAndOffer(" + source + ", " + rule + ", kappaWeight, " + priority + offerExtra + ");");
                w.Line("else state.critical.Offer(" + seed + ", " + priority + offerExtra + ");");
            }
        }

        // Heap buffer on gradients that only feed the moments: the aggregate stays unmaterialised as aggregateScale × d.
        private static void EmitScaledCritical(CodeWriter w, CriticalBufferBlock c)
        {
            string rule = RuleExpression(c);
            w.Line("// The aggregate is aggregateScale × d; d can be the buffer's running sum until FinishOffer.");
            w.Line("double aggregateScale = 1.0;");
            using (w.Block("if (state.critical is not null)"))
            {
                w.Line("state.critical.DropOlderThan(max_age);");
                w.Line("if (state.critical.HasEverReceived) d = state.critical.AggregateAndOfferScaled(d, " + rule + ", kappaWeight, priorities[index], out aggregateScale);");
                w.Line("else state.critical.Offer(d, priorities[index]);");
            }
        }

        private static string RuleExpression(CriticalBufferBlock c) =>
            c.AggregationArgument ? "aggr" : "global::OptimDsl.AggregationRule." + c.Aggregation;

        // The reference's first step (Adam+CM) only seeds the buffer: moments and parameter stay where they are.
        private static void EmitSeedOnlyFirstStep(CodeWriter w, CriticalBufferBlock c)
        {
            string priority = c.Structure == CriticalBufferStructure.Heap ? "priorities[index]" : "priorities[index]!";
            string offerExtra = c.RandomReplacement ? ", critical_test" : string.Empty;
            string seed = c.Source == CriticalSource.Gradient || c.SeedWithGradient ? "d" : "state.exp_avg";
            using (w.Block("if (state.critical is not null && !state.critical.HasEverReceived)"))
            {
                w.Line("state.critical.Offer(" + seed + ", " + priority + offerExtra + ");");
                w.Line("state.critical.DecayPriorities(decay);");
                w.Line("continue;");
            }
        }

        private static void EmitSecondMoment(CodeWriter w, BlockSet b)
        {
            bool fromNumerator = b.CriticalBuffer is { FeedsSecondMoment: true };
            string x = fromNumerator ? "numerator" : "d";
            w.Line("state.exp_avg_sq.mul_(beta2Scalar).addcmul_(" + x + ", " + x + ", value: oneMinusBeta2);");
            if (b.SecondMoment!.Centered)
            {
                w.Line("if (centered) state.grad_avg!.mul_(beta2Scalar).add_(" + x + ", alpha: oneMinusBeta2);");
            }
        }

        // "(a ? b : c)" -> "a ? b : c" where the expression becomes a whole argument.
        private static string Unparenthesized(string expression) =>
            expression.Length > 1 && expression[0] == '(' && expression[expression.Length - 1] == ')' ? expression.Substring(1, expression.Length - 2) : expression;

        private static void EmitDenominator(CodeWriter w, BlockSet b, bool reuseAggregate)
        {
            string v = b.Accumulator is not null ? "state.sum"
                : b.SM3 is not null ? "nu"
                : b.AmsGrad is not null ? "(amsgrad ? state.max_exp_avg_sq! : state.exp_avg_sq)"
                : "state.exp_avg_sq";
            bool inside = b.Epsilon is { Placement: EpsilonPlacement.InsideSqrt };
            string sqrt;
            if (b.SecondMoment is { Centered: true })
            {
                sqrt = inside
                    ? "(centered ? " + v + ".addcmul(state.grad_avg!, state.grad_avg!, value: -1) : " + v + ".clone()).add_(epsScalar).sqrt_()"
                    : "(centered ? " + v + ".addcmul(state.grad_avg!, state.grad_avg!, value: -1).sqrt_() : " + v + ".sqrt())";
            }
            else
            {
                sqrt = inside ? v + ".add(epsScalar).sqrt_()"
                    : reuseAggregate ? "aggregated is null ? " + v + ".sqrt() : aggregated.copy_(" + Unparenthesized(v) + ").sqrt_()"
                    : v + ".sqrt()";
            }

            w.Line(Names.Tensor + " denom = " + sqrt + ";");
            if (b.BiasCorrection is not null && b.SecondMoment is not null)
            {
                w.Line("using " + Names.Scalar + " secondMomentCorrection = global::System.Math.Sqrt(1 - global::System.Math.Pow(" + b.SecondMoment.Name + ", state.step));");
                w.Line("denom.div_(secondMomentCorrection);");
            }

            if (b.Epsilon is not null && !inside)
            {
                w.Line("denom.add_(epsScalar);");
            }
        }

        // HuggingFace's Adafactor step, in its order; the relative learning rate stays on the device (no host read).
        private static void EmitAdafactor(CodeWriter w)
        {
            const string ada = "global::OptimDsl.Runtime.AdafactorMath";
            w.Line(Names.Tensor + " learningRate = " + ada + ".LearningRate(param, state.step, lr, eps2, relative_step, scale_parameter, warmup_init);");
            w.Line(Names.Tensor + " update = state.factored.Precondition(d, " + ada + ".Beta2(state.step, decay_rate), eps1);");
            w.Line(ada + ".ClipByRms(update, clip_threshold);");
            w.Line("update.mul_(learningRate);");
            using (w.Block("if (beta1 is not null)"))
            {
                w.Line("state.exp_avg ??= " + Names.Torch + ".zeros_like(param).DetachFromDisposeScope();");
                w.Line("state.exp_avg.mul_(beta1Scalar).add_(update, alpha: oneMinusBeta1);");
                w.Line("update = state.exp_avg;");
            }

            w.Line("if (weight_decay != 0) param.add_(param.mul(learningRate), alpha: negativeWeightDecay);");
            w.Line("param.sub_(update);");
        }

        private static void EmitStepSize(CodeWriter w, BlockSet b)
        {
            string expr = "lr";
            if (b.BiasCorrection is not null && b.FirstMoment is { Input: MomentInput.Gradient } first)
            {
                expr += " / (1 - global::System.Math.Pow(" + first.Name + ", state.step))";
            }

            if (b.LrDecay is not null)
            {
                expr += " / (1 + (state.step - 1) * lr_decay)";
            }

            w.Line("using " + Names.Scalar + " negativeStepSize = -(" + expr + ");");
        }

        private static void EmitApply(CodeWriter w, BlockSet b)
        {
            bool hasDenominator = b.HasDenominator;
            string numerator = b.FirstMoment is { Input: MomentInput.Gradient } ? "numerator" : "d";
            if (b.Momentum is { Input: MomentInput.Preconditioned })
            {
                string update = hasDenominator ? ".addcdiv_(" + numerator + ", denom)" : ".add_(" + numerator + ")";
                using (w.Block("if (momentum > 0)"))
                {
                    w.Line("state.momentum_buffer ??= " + Names.Torch + ".zeros_like(param).DetachFromDisposeScope();");
                    w.Line("state.momentum_buffer.mul_(momentumScalar)" + update + ";");
                    w.Line("param.add_(state.momentum_buffer, alpha: negativeStepSize);");
                }

                using (w.Block("else"))
                {
                    w.Line(hasDenominator
                        ? "param.addcdiv_(" + numerator + ", denom, value: negativeStepSize);"
                        : "param.add_(" + numerator + ", alpha: negativeStepSize);");
                }
            }
            else if (b.FirstMoment is { Input: MomentInput.Preconditioned })
            {
                string beta = b.FirstMoment.Name;
                w.Line(Names.Tensor + " update = " + (hasDenominator ? numerator + ".div(denom)" : numerator) + ";");
                using (w.Block("if (" + beta + " != 0 || state.exp_avg is not null)"))
                {
                    w.Line("state.exp_avg ??= " + Names.Torch + ".zeros_like(param).DetachFromDisposeScope();");
                    w.Line("state.exp_avg.mul_(beta1Scalar).add_(update, alpha: oneMinusBeta1);");
                    w.Line("update = state.exp_avg;");
                }

                w.Line("param.add_(update, alpha: negativeStepSize);");
            }
            else
            {
                w.Line(hasDenominator
                    ? "param.addcdiv_(" + numerator + ", denom, value: negativeStepSize);"
                    : "param.add_(" + numerator + ", alpha: negativeStepSize);");
            }
        }
    }
}
