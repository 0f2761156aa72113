using OptimDsl.Generator.Lowering;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// <c>[SkipNonFinite]</c>: the guard at the top of a group's step — after the dispatch, before any state changes — and its
    /// helpers. The gradients of the fused parameters are checked by a generated pass over their memory (one read of each
    /// gradient, no tensor), the others by <c>GradientFiniteness.AllFinite</c> (at most one host read for the group).
    /// </summary>
    internal static class SkipNonFiniteEmitter
    {
        /// <summary>The guard, inside <c>StepGroup</c> (inputs, parameters, grads, tensorPath, single, dual and the options in scope).</summary>
        public static void EmitGuard(CodeWriter w, SkipLowering skip)
        {
            using (w.Block("if (" + skip.Condition + " && !GradientsFinite(__grads, __tensorPath, __single, __dual))"))
            {
                w.Line("// A NaN or infinite gradient: the group's whole step is skipped, as AMP's gradient scaler skips optimizer.step();");
                w.Line("// nothing changes but the counts of skipped steps.");
                using (w.Block("for (int __index = 0; __index < __parameters.Length; __index++)"))
                {
                    w.Line("if (__grads[__index] is not null) ((State)__inputs.States[__index]!)." + skip.Counter + " += 1;");
                }

                w.Line("return;");
            }
        }

        /// <summary>The check of a group's gradients and the fused pass it runs.</summary>
        public static void EmitHelpers(CodeWriter w, LoweredStep step)
        {
            w.Line("/// <summary>Whether every gradient of the group is finite: the fused parameters' by a pass over their memory, the others' by one reduction.</summary>");
            using (w.Block("private static bool GradientsFinite(" + Names.Tensor + "?[] __grads, " + Names.List + "<int> __tensorPath, " + FusedNames.Batch + " __single, " + FusedNames.Batch + " __dual)"))
            {
                w.Line("return __FusedFinite(__single, GradientCheckSingle) && __FusedFinite(__dual, GradientCheckDouble) && global::OptimDsl.Runtime.GradientFiniteness.AllFinite(__grads, __tensorPath);");
                w.Line();
                using (w.Block("static bool __FusedFinite(" + FusedNames.Batch + " __batch, " + FusedNames.Kernel + " __kernel)"))
                {
                    w.Line("__batch.ResetPartials(1);");
                    w.Line("__batch.Run(__kernel);");
                    using (w.Block("for (int __i = 0; __i < __batch.Count; __i++)"))
                    {
                        w.Line("if (__batch.SumPartials(__i, 0) != 0) return false;");
                    }

                    w.Line("return true;");
                }
            }

            w.Line();
            w.Line("private static readonly " + FusedNames.Kernel + " GradientCheckSingle = GradientCheck<float>;");
            w.Line("private static readonly " + FusedNames.Kernel + " GradientCheckDouble = GradientCheck<double>;");
            w.Line();
            w.Line("/// <summary>Whether one work item's gradient elements are all finite (partial 0: 0 if so, 1 otherwise).</summary>");
            w.Line("/// <typeparam name=\"T\">The parameters' element type (float or double).</typeparam>");
            w.Line("/// <param name=\"__batch\">The group's fused parameters of this element type.</param>");
            w.Line("/// <param name=\"__item\">The work item.</param>");
            w.Line("private static void GradientCheck<T>(" + FusedNames.Batch + " __batch, int __item)");
            w.Line("    " + FusedNames.Element);
            using (w.Braces())
            {
                w.Line("ref readonly " + FusedNames.WorkItem + " __work = ref __batch.Item(__item);");
                w.Line("ref FusedTensor __t = ref __batch.Tensor(__work.Tensor);");
                if (step.WalksRows)
                {
                    // An item is a range of rows; the last row of a rank ≤ 1 parameter may be shorter.
                    w.Line("long __first = __work.Start * __t.RowLength;");
                    w.Line("int __count = (int)global::System.Math.Min((long)__work.Count * __t.RowLength, __t.Elements - __first);");
                }
                else
                {
                    w.Line("long __first = __work.Start;");
                    w.Line("int __count = __work.Count;");
                }

                w.Line("__batch.Partials(__item)[0] = " + FusedNames.HostKernels + ".AllFinite<T>(__t." + StepOperands.Gradient + ", __first, __count) ? 0.0 : 1.0;");
            }

            w.Line();
        }
    }
}
