using System.Linq;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Lowering;
using OptimDsl.Generator.Planning;
using OptimDsl.Shared;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The step: first every group's gradients and paths are gathered (<c>GatherInputs</c>: a sparse gradient, or a
    /// parameter that <c>fused: true</c> cannot fuse, fails the step there, before anything changes); then, per group,
    /// options are read once and each parameter with a gradient joins the fused CPU kernels' batch
    /// (<see cref="FusedStepEmitter"/>) or the tensor-operation list (<see cref="TensorStepEmitter"/>), without changing
    /// anything yet; with <c>[SkipNonFinite]</c> the group's gradients are checked (<see cref="SkipNonFiniteEmitter"/>) and a
    /// group with a non-finite one skips its step; then each parameter counts its step and both back ends, written from the
    /// same lowered step, run. Like TorchSharp's <c>_step</c>: the closure under enable_grad, then every group under
    /// <c>no_grad</c> in one <c>DisposeScope</c>.
    /// </summary>
    internal static class StepEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            LoweredStep step = plan.Step;
            var fused = new FusedStepEmitter(step);
            w.Line("/// <summary>Performs a single optimization step.</summary>");
            w.Line("/// <param name=\"closure\">Optional closure that re-evaluates the model and returns the loss.</param>");
            w.Line("/// <returns>The closure's loss, or null.</returns>");
            using (w.Block("public override " + Names.Tensor + " step(global::System.Func<" + Names.Tensor + ">? closure = null)"))
            {
                w.Line(Names.Tensor + "? __loss = null;");
                using (w.Block("if (closure is not null)"))
                {
                    w.Line("using (" + Names.Torch + ".enable_grad()) __loss = closure();");
                }

                w.Line();
                w.Line("using (" + Names.Torch + ".no_grad())");
                w.Line("using (" + Names.Torch + ".NewDisposeScope())");
                using (w.Braces())
                {
                    w.Line("// Every group's gradients and paths first: a step that cannot run fails before anything changes.");
                    w.Line(FusedNames.GroupInputs + "[] __inputs = GatherInputs();");
                    using (w.Block("for (int __g = 0; __g < __inputs.Length; __g++)"))
                    {
                        w.Line("StepGroup((ParamGroup)_parameter_groups[__g], __inputs[__g]);");
                    }
                }

                w.Line();
                w.Line("return __loss!;");
            }

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Each group's parameters, gradients and paths, read before anything changes: throws for a sparse gradient, and,");
            w.Line("/// with <c>fused: true</c>, for the first parameter with a gradient that cannot take the fused path.");
            w.Line("/// </summary>");
            using (w.Block("private " + FusedNames.GroupInputs + "[] GatherInputs()"))
            {
                w.Line("var __inputs = new " + FusedNames.GroupInputs + "[_parameter_groups.Count];");
                using (w.Block("for (int __g = 0; __g < __inputs.Length; __g++)"))
                {
                    w.Line("var __group = new " + FusedNames.GroupInputs + "(global::System.Linq.Enumerable.ToArray(_parameter_groups[__g].Parameters));");
                    using (w.Block("for (int __index = 0; __index < __group.Parameters.Length; __index++)"))
                    {
                        w.Line(Names.Parameter + " __param = __group.Parameters[__index];");
                        w.Line(Names.Tensor + "? __grad = __group.Grads[__index] = __param.grad;");
                        w.Line("if (__grad is null) continue;");
                        w.Line("__group.States[__index] = _state[__param.Handle];");
                        w.Line("if (__grad.is_sparse) throw new global::System.NotSupportedException(\"" + plan.Type.Name + " does not support sparse gradients (parameter \" + __index + \" of group \" + __g + \" has one).\");");
                        w.Line("__group.Fused[__index] = _fused != false && " + FusedNames.Dispatch + ".Choose(_fused, WhyNotFused(__param, __grad, (State)__group.States[__index]!, out __group.Memory[__index]), \"" + plan.Type.Name + "\", __g, __index, __param);");
                    }

                    w.Line("__inputs[__g] = __group;");
                }

                w.Line("return __inputs;");
            }

            w.Line();
            using (w.Block("private void StepGroup(ParamGroup __group, " + FusedNames.GroupInputs + " __inputs)"))
            {
                EmitGroupPrologue(w, plan);
                w.Line(FusedNames.Batch + " __single = _fusedSingle ??= new " + FusedNames.Batch + "();");
                w.Line(FusedNames.Batch + " __dual = _fusedDouble ??= new " + FusedNames.Batch + "();");
                w.Line("__single.Clear();");
                w.Line("__dual.Clear();");
                w.Line("var __tensorPath = new " + Names.List + "<int>();");
                using (w.Block("for (int __index = 0; __index < __parameters.Length; __index++)"))
                {
                    w.Line(Names.Parameter + " __param = __parameters[__index];");
                    w.Line(Names.Tensor + "? __grad = __grads[__index];");
                    w.Line("if (__grad is null) continue;");
                    w.Line("var __state = (State)__inputs.States[__index]!;");
                    using (w.Block("if (!__inputs.Fused[__index])"))
                    {
                        w.Line("__tensorPath.Add(__index);");
                        w.Line("continue;");
                    }

                    w.Line();
                    fused.EmitAdd(w);
                }

                w.Line();
                if (step.Skip is { } skip)
                {
                    SkipNonFiniteEmitter.EmitGuard(w, skip);
                    w.Line();
                }

                fused.EmitFill(w);
                w.Line();
                fused.EmitPasses(w);
                w.Line();
                EmitTensorPath(w, step);
            }

            w.Line();
            fused.EmitWhyNot(w);
            if (step.Skip is not null)
            {
                SkipNonFiniteEmitter.EmitHelpers(w, step);
            }

            fused.EmitKernels(w);
            fused.EmitRecord(w);
        }

        private static void EmitGroupPrologue(CodeWriter w, OptimizerPlan plan)
        {
            w.Line("Options __options = __group.Options;");
            w.Line("double " + plan.HyperParameters.First(h => h.Role == ArgumentRole.LearningRate).Name + " = __options.LearningRate!.Value;");

            // Every other argument the step reads becomes a local; the state reads capacity, seed and dtype itself.
            foreach (HyperParameter h in plan.HyperParameters.Where(h => h.Role is not (ArgumentRole.LearningRate or ArgumentRole.Capacity or ArgumentRole.Seed or ArgumentRole.Dtype)))
            {
                w.Line(h.Kind == HyperKind.NullableDouble
                    ? "double? " + h.Name + " = __options." + h.Name + ";"
                    : "var " + h.Name + " = __options." + h.Name + "!.Value;");
            }

            w.Line(Names.Parameter + "[] __parameters = __inputs.Parameters;");
            w.Line(Names.Tensor + "?[] __grads = __inputs.Grads;");
            if (plan.Step.Critical is { } c)
            {
                w.Line("double __kappaWeight = " + c.Kappa + ";");
            }
        }

        // The parameters that do not take the fused path: the same step as tensor operations.
        private static void EmitTensorPath(CodeWriter w, LoweredStep step)
        {
            using (w.Block("if (__tensorPath.Count == 0)"))
            {
                w.Line("return;");
            }

            w.Line();
            w.Line("// Scalars are native objects that DisposeScope does not track: create the per-group constants once.");
            foreach (StepScalar s in step.Scalars.Where(s => s.Scope == ScalarScope.Group))
            {
                w.Line("using " + Names.Scalar + " " + s.Name + " = " + s.Expression + ";");
            }

            using (w.Block("foreach (int __index in __tensorPath)"))
            {
                w.Line(Names.Parameter + " __param = __parameters[__index];");
                w.Line(Names.Tensor + " __grad = __grads[__index]!;");
                w.Line("var __state = (State)__inputs.States[__index]!;");
                w.Line("__state.step += 1;");
                new TensorStepEmitter(w, step).EmitParameterStep();
            }
        }
    }
}
