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
        /// <summary>The guard, inside <c>StepGroup</c> (parameters, grads, tensorPath, single, dual and the options in scope).</summary>
        public static void EmitGuard(CodeWriter w, SkipLowering skip)
        {
            using (w.Block("if (" + skip.Condition + " && !GradientsFinite(grads, tensorPath, single, dual))"))
            {
                w.Line("// A NaN or infinite gradient: the group's whole step is skipped, as AMP's gradient scaler skips optimizer.step();");
                w.Line("// nothing changes but the counts of skipped steps.");
                using (w.Block("for (int index = 0; index < parameters.Length; index++)"))
                {
                    w.Line("if (grads[index] is not null) ((State)_state[parameters[index].Handle])." + skip.Counter + " += 1;");
                }

                w.Line("return;");
            }
        }

        /// <summary>The check of a group's gradients and the fused pass it runs.</summary>
        public static void EmitHelpers(CodeWriter w, LoweredStep step)
        {
            w.Line("/// <summary>Whether every gradient of the group is finite: the fused parameters' by a pass over their memory, the others' by one reduction.</summary>");
            using (w.Block("private static bool GradientsFinite(" + Names.Tensor + "?[] grads, " + Names.List + "<int> tensorPath, " + FusedNames.Batch + " single, " + FusedNames.Batch + " dual)"))
            {
                w.Line("return FusedFinite(single, GradientCheckSingle) && FusedFinite(dual, GradientCheckDouble) && global::OptimDsl.Runtime.GradientFiniteness.AllFinite(grads, tensorPath);");
                w.Line();
                using (w.Block("static bool FusedFinite(" + FusedNames.Batch + " batch, " + FusedNames.Kernel + " kernel)"))
                {
                    w.Line("batch.ResetPartials(1);");
                    w.Line("batch.Run(kernel);");
                    using (w.Block("for (int i = 0; i < batch.Count; i++)"))
                    {
                        w.Line("if (batch.SumPartials(i, 0) != 0) return false;");
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
            w.Line("/// <param name=\"batch\">The group's fused parameters of this element type.</param>");
            w.Line("/// <param name=\"item\">The work item.</param>");
            w.Line("private static void GradientCheck<T>(" + FusedNames.Batch + " batch, int item)");
            w.Line("    " + FusedNames.Element);
            using (w.Braces())
            {
                w.Line("ref readonly " + FusedNames.WorkItem + " work = ref batch.Item(item);");
                w.Line("ref FusedTensor t = ref batch.Tensor(work.Tensor);");
                if (step.WalksRows)
                {
                    // An item is a range of rows; the last row of a rank ≤ 1 parameter may be shorter.
                    w.Line("long first = work.Start * t.RowLength;");
                    w.Line("int count = (int)global::System.Math.Min((long)work.Count * t.RowLength, t.Elements - first);");
                }
                else
                {
                    w.Line("long first = work.Start;");
                    w.Line("int count = work.Count;");
                }

                w.Line("batch.Partials(item)[0] = " + FusedNames.HostKernels + ".AllFinite<T>(t.grad, first, count) ? 0.0 : 1.0;");
            }

            w.Line();
        }
    }
}
