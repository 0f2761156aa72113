using System.Collections.Generic;
using System.Linq;
using OptimDsl.Generator.Lowering;
using OptimDsl.Generator.Naming;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The fused CPU back end, emitted from the lowered step: a per-parameter record (<c>FusedTensor</c>: addresses,
    /// scalars, conditions), the host code that fills it and runs the passes, and the kernels — one element-wise pass that
    /// reads and writes each operand once, in <c>Vector&lt;T&gt;</c> arithmetic over the tensors' memory, plus one pass per
    /// reduction the element-wise pass needs (the critical buffer's gradient norms and whether its entry is finite,
    /// Adafactor's row/column statistics and update RMS; SM3's cover-set maxima are gathered by the element-wise pass itself
    /// and committed after it). A reduction pass recomputes the statements before its block without storing anything (the
    /// critical pass only those its entry depends on). Each kernel is generic over float and double; a declaration with SM3
    /// or Adafactor walks each parameter's rows (all axes but the last).
    /// </summary>
    internal sealed class FusedStepEmitter
    {
        private readonly LoweredStep _step;
        private readonly bool _seedOnly;
        private readonly Sm3Estimate? _sm3;
        private readonly AdafactorUpdate? _adafactor;

        public FusedStepEmitter(LoweredStep step)
        {
            _step = step;
            _seedOnly = step.Statements.Any(s => s is CriticalSeedOnly);
            _sm3 = step.Statements.OfType<Sm3Estimate>().FirstOrDefault();
            _adafactor = step.Statements.OfType<AdafactorUpdate>().FirstOrDefault();
        }

        /// <summary>The passes of a step, in order, each with the kernel it runs (null for host phases).</summary>
        private IEnumerable<KernelPass> Passes()
        {
            if (_adafactor is not null)
            {
                yield return KernelPass.AdafactorStatistics;
                yield return KernelPass.AdafactorRms;
            }

            yield return KernelPass.Update;
        }

        /// <summary>The reason a parameter does not take the fused path (null: it does), for its state tensors and buffer.</summary>
        public void EmitWhyNot(CodeWriter w)
        {
            w.Line("/// <summary>Why a parameter cannot take the fused CPU path this step (null: it can); what the kernels need of it and its gradient in <paramref name=\"__memory\"/>.</summary>");
            using (w.Block("private static string? WhyNotFused(" + Names.Parameter + " __param, " + Names.Tensor + " __grad, State __state, out " + FusedNames.ParameterMemory + " __memory)"))
            {
                var reasons = new List<string> { FusedNames.Dispatch + ".WhyNot(__param, __grad, out __memory)" };
                foreach (StepOperand o in _step.Operands.Where(o => o.StateField is not null))
                {
                    reasons.Add(FusedNames.Dispatch + ".WhyNotState(\"" + o.StateField + "\", ref __state." + FusedNames.MemoryField(o) + ", " + o.Tensor + ", __memory.Dtype)");
                }

                if (_step.Critical is not null)
                {
                    reasons.Add(FusedNames.Dispatch + ".WhyNotBuffer(__state.critical)");
                }

                for (int i = 0; i < reasons.Count; i++)
                {
                    w.Line((i == 0 ? "return " : "    ?? ") + reasons[i] + (i == reasons.Count - 1 ? ";" : string.Empty));
                }
            }

            w.Line();
        }

        /// <summary>
        /// Adds a parameter that takes the fused path to its batch, with what a pass over its gradient needs (inside the
        /// dispatch loop: param, grad, state, index in scope). Changes no state: a group may still skip its step.
        /// </summary>
        public void EmitAdd(CodeWriter w)
        {
            w.Line("ref readonly " + FusedNames.ParameterMemory + " __memory = ref __inputs.Memory[__index];");
            w.Line(FusedNames.Batch + " __batch = __memory.Dtype == " + FusedNames.ScalarType + ".Float32 ? __single : __dual;");
            if (_step.WalksRows)
            {
                // Rank ≥ 2: the rows of the last axis (the factored state is per row and per column); rank ≤ 1: chunks.
                w.Line("long __rank = __param.dim();");
                w.Line("long __rowLength = __rank >= 2 ? __param.size(-1) : global::System.Math.Min(__memory.Elements, " + FusedNames.Batch + ".ChunkElements);");
                w.Line("ref FusedTensor __t = ref __batch.Add(__rowLength == 0 ? 0 : (__memory.Elements + __rowLength - 1) / __rowLength, __rowLength);");
                w.Line("__t.Elements = __memory.Elements;");
                w.Line("__t.RowLength = (int)__rowLength;");
                w.Line("__t.Factored = __rank >= 2;");
            }
            else
            {
                w.Line("ref FusedTensor __t = ref __batch.Add(__memory.Elements, 1);");
            }

            w.Line("__t.Position = __index;");
            w.Line("__t.State = __state;");
            w.Line("__t." + StepOperands.Gradient + " = __memory.Gradient;");
        }

        /// <summary>
        /// Counts the step of every fused parameter and fills the rest of its record: conditions, lazily created state,
        /// addresses, scalars (after the dispatch loop and the group's checks; parameters, grads and options in scope).
        /// </summary>
        public void EmitFill(CodeWriter w)
        {
            using (w.Block("for (int __batchIndex = 0; __batchIndex < 2; __batchIndex++)"))
            {
                w.Line(FusedNames.Batch + " __batch = __batchIndex == 0 ? __single : __dual;");
                using (w.Block("for (int __i = 0; __i < __batch.Count; __i++)"))
                {
                    w.Line("ref FusedTensor __t = ref __batch.Tensor(__i);");
                    w.Line("int __index = __t.Position;");
                    w.Line(Names.Parameter + " __param = __parameters[__index];");
                    w.Line("State __state = __t.State;");
                    w.Line("__state.step += 1;");
                    EmitFillRecord(w);
                }
            }
        }

        private void EmitFillRecord(CodeWriter w)
        {
            foreach (StepCondition c in _step.Conditions)
            {
                w.Line("__t." + c.Name + " = " + c.Expression + ";");
            }

            if (_seedOnly && _step.Operands.Any(o => o.Lazy != LazyInit.None))
            {
                // A step that only seeds the buffer creates no state (the tensor path stops before creating it).
                w.Line("bool __seedsOnly = __state.critical is { HasEverReceived: false };");
            }

            foreach (StepOperand o in _step.Operands.Where(o => o.Lazy != LazyInit.None))
            {
                string when = (_seedOnly ? "!__seedsOnly && " : string.Empty) + (o.Present is null ? string.Empty : "__t." + o.Present + " && ") + o.Tensor + " is null";
                using (w.Block("if (" + when + ")"))
                {
                    w.Line(o.Tensor + " = " + Names.Torch + ".zeros_like(__param).DetachFromDisposeScope();");
                    if (o.Lazy == LazyInit.FromFirstStore)
                    {
                        w.Line("__t." + o.Name + "FirstUse = true;");
                    }
                }
            }

            w.Line("__t." + StepOperands.Parameter + " = __inputs.Memory[__index].Parameter;");
            foreach (StepOperand o in _step.Operands.Where(o => o.StateField is not null))
            {
                // An optional operand's address is 0 while it is absent; the kernels read and write it only when it is not.
                string cache = "__state." + FusedNames.MemoryField(o);
                w.Line("__t." + o.Name + " = " + (Optional(o)
                    ? (o.Present is null ? string.Empty : "!__t." + o.Present + " ? 0 : ") + cache + ".AddressOrZero(" + o.Tensor + ")"
                    : cache + ".Address(" + o.Tensor + ")") + ";");
            }

            foreach (StepScalar s in _step.Scalars)
            {
                w.Line("__t." + s.Name + " = " + s.Expression + ";");
            }

            if (_step.Critical is { } c2)
            {
                w.Line("__t.__criticalKappa = __kappaWeight;");
                w.Line("__t.__criticalRule = " + FusedNames.Critical + ".CheckedRule(" + c2.Rule + ");");
                w.Line("__t.__criticalSeeding = __state.critical is { HasEverReceived: false };");
                if (_seedOnly)
                {
                    w.Line("__t.__criticalSeedOnly = __t.__criticalSeeding;");
                }
            }

            if (_sm3 is { } sm3)
            {
                w.Line("__t.__sm3Beta = " + sm3.Beta + ";");
                w.Line("__t.__sm3OneMinusBeta = 1.0 - " + sm3.Beta + ";");
                w.Line("__t.__sm3Decays = " + sm3.Beta + " > 0;");
                w.Line("__t.__sm3Accumulator = __t.Factored ? 0 : __state." + sm3.StateObject + ".FullAddress;");
            }

            if (_adafactor is { } a)
            {
                w.Line("__t.__adafactorBeta2 = global::OptimDsl.Runtime.AdafactorMath.Beta2(__state.step, " + a.DecayRate + ");");
                w.Line("__t.__adafactorOneMinusBeta2 = 1.0 - __t.__adafactorBeta2;");
                w.Line("__t.__adafactorEps1 = " + a.Eps1 + ";");
                w.Line("__t.__adafactorFull = __t.Factored ? 0 : __state." + a.StateObject + ".FullAddress;");
            }
        }

        /// <summary>The passes after the dispatch loop: priorities and host decisions, reductions, the element-wise pass, upkeep.</summary>
        public void EmitPasses(CodeWriter w)
        {
            if (_step.Critical is { } c)
            {
                w.Line(FusedNames.OfferPriority + "[] __priorities = global::OptimDsl.Runtime.CriticalPriority.ForGroup(__grads, " + c.Synced + ", onHost: "
                    + (c.PrioritiesOnHost ? "true" : "false") + ", FusedCriticalChecks(__parameters.Length, __single, __dual));");
                Both(w, "PlanCriticalOffers({0}, __priorities, " + c.MaxAge + ", " + c.CriticalTest + ");");
            }

            if (_sm3 is not null)
            {
                Both(w, "PrepareSm3<{1}>({0});");
            }

            if (_adafactor is { } a)
            {
                Both(w, "PrepareAdafactor<{1}>({0});");
                Both(w, "{0}.Run(AdafactorStatistics{2});");
                Both(w, "FinishAdafactorStatistics<{1}>({0}, " + a.Lr + ", " + a.Eps2 + ", " + a.RelativeStep + ", " + a.ScaleParameter + ", " + a.WarmupInit + ");");
                Both(w, "{0}.Run(AdafactorRms{2});");
                Both(w, "FinishAdafactorClip<{1}>({0}, " + a.ClipThreshold + ");");
            }

            Both(w, "{0}.Run(Update{2});");
            if (_sm3 is not null)
            {
                Both(w, "CommitSm3<{1}>({0});");
            }

            if (_step.Critical is { } c3)
            {
                Both(w, "CompleteCriticalOffers({0}, " + c3.Decay + ");");
            }
        }

        // The same line for the float32 and the float64 batch.
        private static void Both(CodeWriter w, string format)
        {
            w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, "__single", "float", "Single"));
            w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, "__dual", "double", "Double"));
        }

        /// <summary>The kernels, their cached delegates and the host helpers of the passes.</summary>
        public void EmitKernels(CodeWriter w)
        {
            var kernels = Passes().Select(p => p.ToString()).ToList();
            if (_step.Critical is not null)
            {
                kernels.Insert(0, KernelPass.CriticalEntry.ToString());
            }

            foreach (string kernel in kernels)
            {
                w.Line("private static readonly " + FusedNames.Kernel + " " + kernel + "Single = " + kernel + "<float>;");
                w.Line("private static readonly " + FusedNames.Kernel + " " + kernel + "Double = " + kernel + "<double>;");
            }

            w.Line();
            foreach (KernelPass pass in Passes())
            {
                new FusedKernelEmitter(_step, pass).Emit(w);
            }

            if (_step.Critical is not null)
            {
                EmitCriticalHelpers(w);
            }

            if (_sm3 is not null)
            {
                EmitSm3Helpers(w);
            }

            if (_adafactor is not null)
            {
                EmitAdafactorHelpers(w);
            }
        }

        /// <summary>The record of one fused parameter.</summary>
        public void EmitRecord(CodeWriter w)
        {
            w.Line("/// <summary>What the fused CPU kernels need of one parameter in one step: addresses, scalars and conditions.</summary>");
            using (w.Block("private struct FusedTensor"))
            {
                Field(w, "int", "Position", "The parameter's position in its group.");
                Field(w, "State", "State", "The parameter's state.");
                if (_step.WalksRows)
                {
                    Field(w, "long", "Elements", "The parameter's number of elements.");
                    Field(w, "int", "RowLength", "Elements per row (the last axis; for rank ≤ 1, a chunk, the last one possibly shorter).");
                    Field(w, "bool", "Factored", "Whether the parameter has rank ≥ 2 (row and column state).");
                }

                foreach (StepOperand o in _step.Operands)
                {
                    Field(w, "nint", o.Name, "Address of <c>" + ConstructorEmitter.Xml(o.Tensor) + "</c>" + (Optional(o) ? " (0 when absent)" : string.Empty) + ".");
                    if (o.Lazy == LazyInit.FromFirstStore)
                    {
                        Field(w, "bool", o.Name + "FirstUse", "Whether <c>" + ConstructorEmitter.Xml(o.Tensor) + "</c> was created by this step (it then takes its first value).");
                    }
                }

                foreach (StepScalar s in _step.Scalars)
                {
                    Field(w, "double", s.Name, "<c>" + ConstructorEmitter.Xml(s.Expression) + "</c>.");
                }

                foreach (StepCondition c in _step.Conditions)
                {
                    Field(w, "bool", c.Name, "<c>" + ConstructorEmitter.Xml(c.Expression) + "</c>.");
                }

                if (_step.Critical is not null)
                {
                    Field(w, FusedNames.CriticalOperands, "critical", "The critical buffer's offer this step, decided on the host.");
                    Field(w, "bool", "__criticalSeeding", "Whether this step makes the buffer's very first offer.");
                    Field(w, "bool", "__criticalEntryFinite", "Whether every value of the entry this step offers is finite (the critical pass).");
                    if (_seedOnly)
                    {
                        Field(w, "bool", "__criticalSeedOnly", "Whether this step only seeds the buffer (the reference's first step).");
                    }

                    Field(w, "double", "__criticalKappa", "The weight of the buffer term.");
                    Field(w, "global::OptimDsl.AggregationRule", "__criticalRule", "The aggregation rule.");
                }

                if (_sm3 is not null)
                {
                    Field(w, "nint", "__sm3Accumulator", "Address of the single SM3 accumulator of a rank ≤ 1 parameter (0 otherwise).");
                    Field(w, "double", "__sm3Beta", "SM3's coefficient.");
                    Field(w, "double", "__sm3OneMinusBeta", "1 − SM3's coefficient.");
                    Field(w, "bool", "__sm3Decays", "Whether SM3's coefficient is positive (a moving average).");
                }

                if (_adafactor is not null)
                {
                    Field(w, "nint", "__adafactorFull", "Address of the full second moment of a rank &lt; 2 parameter (0 otherwise).");
                    Field(w, "double", "__adafactorBeta2", "This step's decay 1 − t^decay_rate.");
                    Field(w, "double", "__adafactorOneMinusBeta2", "1 − this step's decay.");
                    Field(w, "double", "__adafactorEps1", "The regularisation added to squared inputs.");
                    Field(w, "double", "__adafactorLearningRate", "This step's relative learning rate (after the statistics pass).");
                    Field(w, "double", "__adafactorClip", "The clipping divisor max(1, RMS(update)/clip_threshold) (after the RMS pass).");
                }
            }

            w.Line();
        }

        /// <summary>Whether an operand may be absent (a condition decides it exists, or it is created lazily).</summary>
        internal static bool Optional(StepOperand o) => o.Present is not null || o.Lazy != LazyInit.None;

        private static void Field(CodeWriter w, string type, string name, string documentation)
        {
            w.Line("/// <summary>" + documentation + "</summary>");
            w.Line("public " + type + " " + name + ";");
            w.Line();
        }

        private string SkipSeedOnly => _seedOnly ? "if (__t.__criticalSeedOnly) continue;" : string.Empty;

        private void EmitCriticalHelpers(CodeWriter w)
        {
            new FusedKernelEmitter(_step, KernelPass.CriticalEntry).Emit(w);
            w.Line("/// <summary>");
            w.Line("/// The critical pass over the fused parameters: returns their gradient norms by position (the others are not computed)");
            w.Line("/// and records whether each one's entry is finite.");
            w.Line("/// </summary>");
            using (w.Block("private static double[]? FusedCriticalChecks(int __count, " + FusedNames.Batch + " __single, " + FusedNames.Batch + " __dual)"))
            {
                w.Line("if (__single.Count + __dual.Count == 0) return null;");
                w.Line("var __norms = new double[__count];");
                w.Line("global::System.Array.Fill(__norms, global::OptimDsl.Runtime.CriticalPriority.NotComputed);");
                w.Line("__Checks(__single, CriticalEntrySingle, " + FusedNames.ScalarType + ".Float32);");
                w.Line("__Checks(__dual, CriticalEntryDouble, " + FusedNames.ScalarType + ".Float64);");
                w.Line("return __norms;");
                w.Line();
                using (w.Block("void __Checks(" + FusedNames.Batch + " __batch, " + FusedNames.Kernel + " __kernel, " + FusedNames.ScalarType + " __dtype)"))
                {
                    w.Line("__batch.ResetPartials(2);");
                    w.Line("__batch.Run(__kernel);");
                    using (w.Block("for (int __i = 0; __i < __batch.Count; __i++)"))
                    {
                        w.Line("ref FusedTensor __t = ref __batch.Tensor(__i);");
                        w.Line("__norms[__t.Position] = " + FusedNames.HostKernels + ".NormOf(__dtype, __batch.SumPartials(__i, 0));");
                        w.Line("__t.__criticalEntryFinite = __batch.SumPartials(__i, 1) == 0;");
                    }
                }
            }

            w.Line();
            w.Line("/// <summary>Drops expired entries and decides each fused parameter's offer on the host, before the kernels.</summary>");
            using (w.Block("private static void PlanCriticalOffers(" + FusedNames.Batch + " __batch, " + FusedNames.OfferPriority + "[] __priorities, int __maxAge, double __criticalTest)"))
            {
                using (w.Block("for (int __i = 0; __i < __batch.Count; __i++)"))
                {
                    w.Line("ref FusedTensor __t = ref __batch.Tensor(__i);");
                    w.Line("if (__t.State.critical is not { } __buffer) continue;");
                    w.Line("if (!__t.__criticalSeeding) __buffer.DropOlderThan(__maxAge);");
                    w.Line("__buffer.PlanOffer(__priorities[__t.Position].Value, __criticalTest, __t.__criticalEntryFinite, ref __t.critical);");
                }
            }

            w.Line();
            w.Line("/// <summary>Finishes each fused parameter's offer and decays the priorities, after the kernels.</summary>");
            using (w.Block("private static void CompleteCriticalOffers(" + FusedNames.Batch + " __batch, double __decay)"))
            {
                using (w.Block("for (int __i = 0; __i < __batch.Count; __i++)"))
                {
                    w.Line("if (__batch.Tensor(__i).State.critical is not { } __buffer) continue;");
                    w.Line("__buffer.CompleteOffer();");
                    w.Line("__buffer.DecayPriorities(__decay);");
                }
            }

            w.Line();
        }

        private void EmitSm3Helpers(CodeWriter w)
        {
            string sm3 = "__t.State." + _sm3!.StateObject;
            EmitBatchVisitor(w, "Reads each SM3 parameter's accumulators and resets its per-item maxima, before the element-wise pass.", "PrepareSm3", string.Empty,
                prologue: null, skipSeedOnly: false, sm3 + ".PrepareFused<T>(__batch.ItemsOf(__i));");
            EmitBatchVisitor(w, "The SM3 accumulators take the gathered maxima, after the element-wise pass.", "CommitSm3", string.Empty,
                prologue: null, skipSeedOnly: true, sm3 + ".CommitFused<T>(__batch.ItemsOf(__i), __t.__sm3Beta);");
        }

        private void EmitAdafactorHelpers(CodeWriter w)
        {
            string factored = "__t.State." + _adafactor!.StateObject;
            string dtype = "typeof(T) == typeof(float) ? " + FusedNames.ScalarType + ".Float32 : " + FusedNames.ScalarType + ".Float64";
            EmitBatchVisitor(w, "Resets each Adafactor parameter's sums, before the statistics pass.", "PrepareAdafactor", string.Empty,
                prologue: "__batch.ResetPartials(2);", skipSeedOnly: false, factored + ".PrepareFused<T>(__batch.ItemsOf(__i));");
            EmitBatchVisitor(w, "The relative learning rates and the factors' update, after the statistics pass.", "FinishAdafactorStatistics",
                ", double __lr, double __eps2, bool __relativeStep, bool __scaleParameter, bool __warmupInit", prologue: null, skipSeedOnly: true,
                "double __rms = global::System.Math.Sqrt(__batch.SumPartials(__i, 0)) / global::System.Math.Sqrt(__t.Elements);",
                "__t.__adafactorLearningRate = global::OptimDsl.Runtime.AdafactorMath.LearningRateOnHost(__rms, __t.State.step, __lr, __eps2, __relativeStep, __scaleParameter, __warmupInit, " + dtype + ");",
                "if (__t.Factored) " + factored + ".FinishStatistics<T>(__batch.ItemsOf(__i), __t.__adafactorBeta2);");
            EmitBatchVisitor(w, "The clipping divisors, after the RMS pass.", "FinishAdafactorClip", ", double __clipThreshold", prologue: null, skipSeedOnly: false,
                "double __rms = global::System.Math.Sqrt(__batch.SumPartials(__i, 1)) / global::System.Math.Sqrt(__t.Elements);",
                "__t.__adafactorClip = global::OptimDsl.Runtime.AdafactorMath.ClipDivisorOnHost(__rms, __clipThreshold, " + dtype + ");");
        }

        // A host step between kernels: a private method generic over the element type that visits each parameter of a fused
        // batch (after the seed-only skip, when asked) and runs the body's statements on it.
        private void EmitBatchVisitor(CodeWriter w, string summary, string name, string parameters, string? prologue, bool skipSeedOnly, params string[] body)
        {
            w.Line("/// <summary>" + summary + "</summary>");
            w.Line("private static void " + name + "<T>(" + FusedNames.Batch + " __batch" + parameters + ")");
            w.Line("    " + FusedNames.Element);
            using (w.Braces())
            {
                if (prologue is not null)
                {
                    w.Line(prologue);
                }

                using (w.Block("for (int __i = 0; __i < __batch.Count; __i++)"))
                {
                    w.Line("ref FusedTensor __t = ref __batch.Tensor(__i);");
                    if (skipSeedOnly && _seedOnly)
                    {
                        w.Line(SkipSeedOnly);
                    }

                    foreach (string line in body)
                    {
                        w.Line(line);
                    }
                }
            }

            w.Line();
        }
    }
}
