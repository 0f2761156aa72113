using System.Collections.Generic;
using System.Linq;
using OptimDsl.Generator.Lowering;
using OptimDsl.Generator.Naming;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// One kernel of the fused back end: a method generic over float/double that runs one work item — a range of elements,
    /// or of rows when the step walks rows — loading each operand's vector, running the statements in <c>Vector&lt;T&gt;</c>
    /// arithmetic (the same text serves the partial last vector, padded with zeros), and storing what it wrote. A reduction
    /// pass runs the statements before its block without storing anything, then accumulates its reduction.
    /// </summary>
    internal sealed class FusedKernelEmitter
    {
        private readonly LoweredStep _step;
        private readonly KernelPass _pass;
        private readonly Sm3Estimate? _sm3;
        private readonly AdafactorUpdate? _adafactor;

        public FusedKernelEmitter(LoweredStep step, KernelPass pass)
        {
            _step = step;
            _pass = pass;
            _sm3 = step.Statements.OfType<Sm3Estimate>().FirstOrDefault();
            _adafactor = step.Statements.OfType<AdafactorUpdate>().FirstOrDefault();
        }

        private bool Storing => _pass == KernelPass.Update;

        public void Emit(CodeWriter w)
        {
            // The statements first, for whole vectors and for the partial last one, and which operands they read.
            var wholeBody = new CodeWriter();
            var tailBody = new CodeWriter();
            IReadOnlyList<Statement> rendered = _pass == KernelPass.CriticalEntry ? CriticalEntryStatements() : _step.Statements;
            var statements = new KernelStatements(wholeBody, _step, _pass, whole: true);
            statements.Emit(rendered);
            new KernelStatements(tailBody, _step, _pass, whole: false).Emit(rendered);
            HashSet<string> used = statements.Used;
            if (_pass == KernelPass.CriticalEntry)
            {
                // The priority norm: the gradient's sum of squares, in the same loop.
                used.Add(StepOperands.Gradient);
            }

            w.Line("/// <summary>" + Summary() + "</summary>");
            w.Line("/// <typeparam name=\"T\">The parameters' element type (float or double).</typeparam>");
            w.Line("/// <param name=\"__batch\">The group's fused parameters of this element type.</param>");
            w.Line("/// <param name=\"__item\">The work item.</param>");
            w.Line("private static void " + _pass + "<T>(" + FusedNames.Batch + " __batch, int __item)");
            w.Line("    " + FusedNames.Element);
            using (w.Braces())
            {
                w.Line("ref readonly " + FusedNames.WorkItem + " __work = ref __batch.Item(__item);");
                w.Line("ref FusedTensor __t = ref __batch.Tensor(__work.Tensor);");
                if (_pass == KernelPass.CriticalEntry)
                {
                    // A switched-off buffer (kappa) offers nothing: its partials stay zero.
                    w.Line("if (__t.State.critical is null) return;");
                }

                EmitLocals(w, used);
                if (_step.WalksRows)
                {
                    w.Line("int __rowLength = __t.RowLength;");
                    using (w.Block("for (long __row = __work.Start; __row < __work.Start + __work.Count; __row++)"))
                    {
                        w.Line("long __first = __row * __rowLength;");
                        w.Line("int __count = (int)global::System.Math.Min(__rowLength, __t.Elements - __first);");
                        EmitSpans(w, used);
                        EmitRowStart(w, used);
                        EmitReducedLoop(w, wholeBody, tailBody, used);
                        EmitRowEnd(w);
                    }
                }
                else
                {
                    w.Line("long __first = __work.Start;");
                    w.Line("int __count = __work.Count;");
                    EmitSpans(w, used);
                    EmitRowStart(w, used);
                    EmitReducedLoop(w, wholeBody, tailBody, used);
                }

                EmitItemEnd(w, used);
            }

            w.Line();
        }

        // The statements the entry depends on, to flag its non-finite values — none when the entry is the gradient itself
        // (the sum of squares flags those).
        private IReadOnlyList<Statement> CriticalEntryStatements()
        {
            IReadOnlyList<Statement> slice = EntrySlice.Of(_step.Statements);
            return EntrySlice.OffersGradient(slice) ? System.Array.Empty<Statement>() : slice;
        }

        private string Summary() => _pass switch
        {
            KernelPass.Update => "The fused element-wise pass over one work item: every statement of the step, each operand read and written once.",
            KernelPass.CriticalEntry => "The critical buffer's pass over one work item: the gradient's sum of squares and, unless the entry is the gradient itself, whether the entry to offer is finite (computed, not stored).",
            KernelPass.AdafactorStatistics => "Adafactor's statistics pass over one work item: the sums of x² + eps1 per row and column and of the parameter's squares.",
            _ => "Adafactor's RMS pass over one work item: the sum of the squares of the preconditioned update.",
        };

        private void EmitLocals(CodeWriter w, HashSet<string> used)
        {
            foreach (StepScalar s in _step.Scalars.Where(s => used.Contains(s.Name)))
            {
                w.Line(FusedNames.VectorT + " " + s.Name + " = new(T.CreateTruncating(__t." + s.Name + "));");
            }

            foreach (StepCondition c in _step.Conditions.Where(c => used.Contains(c.Name)))
            {
                w.Line("bool " + c.Name + " = __t." + c.Name + ";");
            }

            foreach (StepOperand o in _step.Operands.Where(o => FusedStepEmitter.Optional(o) && used.Contains(o.Name)))
            {
                w.Line("bool " + o.Name + "Present = __t." + o.Name + " != 0;");
            }

            foreach (StepOperand o in _step.Operands.Where(o => o.Lazy == LazyInit.FromFirstStore && used.Contains(o.Name)))
            {
                w.Line("bool " + o.Name + "FirstUse = __t." + o.Name + "FirstUse;");
            }

            if (used.Contains(KernelStatements.CriticalUse))
            {
                w.Line("bool __criticalAggregates = __t.critical.Aggregates;");
                w.Line("bool __criticalAdmits = " + (Storing ? "__t.critical.Admits" : "false") + ";");
                w.Line("bool __criticalReplaces = __t.critical.Replaces;");
                w.Line("bool __criticalSeeding = __t.__criticalSeeding;");
                if (_step.Statements.Any(s => s is CriticalSeedOnly))
                {
                    w.Line("bool __criticalSeedOnly = __t.__criticalSeedOnly;");
                }

                w.Line("bool __criticalWeighted = __t.__criticalKappa != 1.0;");
                w.Line("global::OptimDsl.AggregationRule __criticalRule = __t.__criticalRule;");
                w.Line(FusedNames.VectorT + " __criticalInverseCount = new(T.CreateTruncating(1.0 / __t.critical.Count));");
                w.Line(FusedNames.VectorT + " __criticalInverseCountPlusOne = new(T.CreateTruncating(1.0 / (__t.critical.Count + 1)));");
                w.Line(FusedNames.VectorT + " __criticalKappa = new(T.CreateTruncating(__t.__criticalKappa));");
                if (_step.Critical!.RunningSum)
                {
                    w.Line("bool __criticalReadsSum = __criticalAggregates || __criticalAdmits;");
                }
            }

            if (used.Contains(KernelStatements.CriticalEntryUse))
            {
                w.Line("bool __criticalSeeding = __t.__criticalSeeding;");
                if (_step.Statements.Any(s => s is CriticalSeedOnly))
                {
                    w.Line("bool __criticalSeedOnly = __t.__criticalSeedOnly;");
                }

                w.Line("bool __criticalEntryNonFinite = false;");
            }

            if (_sm3 is not null && used.Contains(KernelStatements.Sm3Use))
            {
                w.Line(FusedNames.VectorT + " __sm3Beta = new(T.CreateTruncating(__t.__sm3Beta));");
                w.Line(FusedNames.VectorT + " __sm3OneMinusBeta = new(T.CreateTruncating(__t.__sm3OneMinusBeta));");
                w.Line("bool __sm3Decays = __t.__sm3Decays;");
                w.Line("bool __sm3Factored = __t.Factored;");
                if (_pass == KernelPass.Update)
                {
                    w.Line(FusedNames.Span + " __sm3ColumnMaxima = __t.Factored ? __t.State." + _sm3.StateObject + ".ColumnMaxima<T>(__work.Ordinal) : default;");
                }
            }

            if (_adafactor is not null && used.Contains(KernelStatements.AdafactorUse))
            {
                w.Line("bool __adafactorFactored = __t.Factored;");
                w.Line(FusedNames.VectorT + " __adafactorEps1 = new(T.CreateTruncating(__t.__adafactorEps1));");
                if (_pass != KernelPass.AdafactorStatistics)
                {
                    w.Line(FusedNames.VectorT + " __adafactorBeta2 = new(T.CreateTruncating(__t.__adafactorBeta2));");
                    w.Line(FusedNames.VectorT + " __adafactorOneMinusBeta2 = new(T.CreateTruncating(__t.__adafactorOneMinusBeta2));");
                }

                if (_pass == KernelPass.Update)
                {
                    w.Line(FusedNames.VectorT + " __adafactorLearningRate = new(T.CreateTruncating(__t.__adafactorLearningRate));");
                    w.Line(FusedNames.VectorT + " __adafactorClip = new(T.CreateTruncating(__t.__adafactorClip));");
                }
            }

            if (Reduction is { } reduction)
            {
                w.Line("double " + reduction + "Total = 0;");
            }

            w.Line("int __lanes = " + FusedNames.VectorT + ".Count;");
            w.Line("// The partial last vector goes through this thread's scratch (no allocation, no call in the loops).");
            w.Line(FusedNames.Span + " __tail = " + FusedNames.Vector + ".TailScratch<T>();");
        }

        // The addresses of the operands this kernel reads, advanced to the current range of elements.
        private void EmitSpans(CodeWriter w, HashSet<string> used)
        {
            string At(string address) => FusedNames.Memory + ".Offset<T>(" + address + ", __first)";
            foreach (StepOperand o in _step.Operands.Where(o => used.Contains(o.Name)))
            {
                w.Line("nint " + o.Name + "At = " + At("__t." + o.Name) + ";");
            }

            if (used.Contains(KernelStatements.CriticalUse))
            {
                if (_step.Critical!.RunningSum)
                {
                    w.Line("nint __criticalSumAt = " + At("__t.critical.Sum") + ";");
                }

                if (Storing)
                {
                    w.Line("nint __criticalSlotAt = " + At("__t.critical.Target") + ";");
                }
            }

            if (_sm3 is not null && used.Contains(KernelStatements.Sm3Use) && _pass == KernelPass.Update)
            {
                w.Line("nint __sm3AccumulatorAt = " + At("__t.__sm3Accumulator") + ";");
            }

            if (_adafactor is not null && used.Contains(KernelStatements.AdafactorUse) && _pass != KernelPass.AdafactorStatistics)
            {
                w.Line("nint __adafactorFullAt = " + At("__t.__adafactorFull") + ";");
            }
        }

        private void EmitRowStart(CodeWriter w, HashSet<string> used)
        {
            if (_sm3 is { } sm3 && used.Contains(KernelStatements.Sm3Use))
            {
                string state = "__t.State." + sm3.StateObject;
                w.Line(FusedNames.VectorT + " __sm3RowMinimum = __t.Factored ? new(" + state + ".RowMinimum<T>(__row)) : default;");
                w.Line(FusedNames.Span + " __sm3Last = __t.Factored ? " + state + ".LastAccumulator<T>() : default;");
                if (_pass == KernelPass.Update)
                {
                    w.Line(FusedNames.VectorT + " __sm3RowMaximum = new(T.NegativeInfinity);");
                }
            }

            if (_adafactor is { } a && used.Contains(KernelStatements.AdafactorUse))
            {
                string state = "__t.State." + a.StateObject;
                if (_pass == KernelPass.AdafactorStatistics)
                {
                    w.Line("global::System.Numerics.Vector<double> __adafactorRowSum = default;");
                    w.Line("global::System.Span<double> __adafactorColumnSums = __t.Factored ? " + state + ".ColumnSums(__work.Ordinal, __row) : default;");
                }
                else
                {
                    w.Line(FusedNames.VectorT + " __adafactorRowFactor = __t.Factored ? new(" + state + ".RowFactor<T>(__row)) : default;");
                    w.Line(FusedNames.Span + " __adafactorColumnFactors = __t.Factored ? " + state + ".ColumnFactors<T>(__row) : default;");
                }
            }
        }

        private void EmitRowEnd(CodeWriter w)
        {
            if (_sm3 is { } sm3 && _pass == KernelPass.Update)
            {
                w.Line("if (__t.Factored) __t.State." + sm3.StateObject + ".RecordRowMaximum(__work.Ordinal, __row, " + FusedNames.Vector + ".MaxLane(__sm3RowMaximum));");
            }

            if (_adafactor is { } a && _pass == KernelPass.AdafactorStatistics)
            {
                w.Line("if (__t.Factored) __t.State." + a.StateObject + ".SetRowSum(__row, " + FusedNames.Vector + ".Total(__adafactorRowSum));");
            }
        }

        // The item-wide sum a reduction pass accumulates (null for the element-wise pass).
        private string? Reduction => _pass switch
        {
            KernelPass.CriticalEntry => "__criticalSquares",
            KernelPass.AdafactorStatistics when _adafactor is not null => "__adafactorParamSquares",
            KernelPass.AdafactorRms when _adafactor is not null => "__adafactorUpdateSquares",
            _ => null,
        };

        private void EmitItemEnd(CodeWriter w, HashSet<string> used)
        {
            if (Reduction is { } reduction)
            {
                w.Line("__batch.Partials(__item)[" + (_pass == KernelPass.AdafactorRms ? "1" : "0") + "] = " + reduction + "Total;");
            }

            if (used.Contains(KernelStatements.CriticalEntryUse))
            {
                // Partial 1 stays zero (every value finite) when the entry is the gradient: its norm tells.
                w.Line("__batch.Partials(__item)[1] = __criticalEntryNonFinite ? 1.0 : 0.0;");
            }
        }

        // A reduction's lane sums, and the entry's finiteness flags, live only through one loop (one row, or the item's
        // range), then join the item's total: a vector accumulator never lives across a call or the item, so the JIT keeps
        // it in a register rather than in the frame (a loop-carried value in the frame costs a store and a reload per vector).
        private void EmitReducedLoop(CodeWriter w, CodeWriter wholeBody, CodeWriter tailBody, HashSet<string> used)
        {
            string? reduction = Reduction;
            if (reduction is not null)
            {
                w.Line("global::System.Numerics.Vector<double> " + reduction + " = default;");
            }

            bool flags = used.Contains(KernelStatements.CriticalEntryUse);
            if (flags)
            {
                w.Line(FusedNames.VectorT + " __criticalFlags = " + FusedNames.VectorT + ".Zero;");
            }

            EmitLoop(w, wholeBody, tailBody, used);
            if (reduction is not null)
            {
                w.Line(reduction + "Total += " + FusedNames.Vector + ".Total(" + reduction + ");");
            }

            if (flags)
            {
                w.Line("__criticalEntryNonFinite |= !" + FusedNames.Vector + ".AllZero(__criticalFlags);");
            }
        }

        // Whole vectors first, then the partial last vector (padded with zeros) through the same statements.
        private void EmitLoop(CodeWriter w, CodeWriter wholeBody, CodeWriter tailBody, HashSet<string> used)
        {
            w.Line("int __vectors = __count - __count % __lanes;");
            using (w.Block("for (int __i = 0; __i < __vectors; __i += __lanes)"))
            {
                EmitIteration(w, wholeBody, used, whole: true);
            }

            using (w.Block("if (__vectors < __count)"))
            {
                w.Line("// The last, partial vector: the same statements on the remaining elements, padded with zeros.");
                w.Line("int __i = __vectors;");
                EmitIteration(w, tailBody, used, whole: false);
            }
        }

        private void EmitIteration(CodeWriter w, CodeWriter body, HashSet<string> used, bool whole)
        {
            string Load(string memory) => KernelStatements.Load(memory, whole);
            foreach (StepOperand o in _step.Operands.Where(o => used.Contains(o.Name)))
            {
                w.Line(FusedNames.VectorT + " " + o.Name + " = " + (FusedStepEmitter.Optional(o) ? o.Name + "Present ? " + Load(o.Name + "At") + " : default" : Load(o.Name + "At")) + ";");
            }

            if (_pass == KernelPass.CriticalEntry)
            {
                // The partial last vector's padding is zero: it adds nothing.
                w.Line("__criticalSquares = " + FusedNames.Vector + ".Accumulate(__criticalSquares, " + StepOperands.Gradient + " * " + StepOperands.Gradient + ");");
            }

            if (used.Contains(KernelStatements.CriticalUse))
            {
                if (_step.Critical!.RunningSum)
                {
                    w.Line(FusedNames.VectorT + " __criticalSum = __criticalReadsSum ? " + Load("__criticalSumAt") + " : default;");
                }

                if (Storing)
                {
                    w.Line(FusedNames.VectorT + " __criticalSlot = __criticalAdmits && __criticalReplaces ? " + Load("__criticalSlotAt") + " : default;");
                }
            }

            if (_sm3 is not null && used.Contains(KernelStatements.Sm3Use) && _pass == KernelPass.Update)
            {
                w.Line(FusedNames.VectorT + " __sm3Accumulator = __sm3Factored ? default : " + Load("__sm3AccumulatorAt") + ";");
            }

            if (_adafactor is not null && used.Contains(KernelStatements.AdafactorUse) && _pass != KernelPass.AdafactorStatistics)
            {
                w.Line(FusedNames.VectorT + " __adafactorFull = __adafactorFactored ? default : " + Load("__adafactorFullAt") + ";");
            }

            string statements = body.ToString().TrimEnd('\n');
            if (statements.Length > 0)
            {
                w.Lines(statements);
            }
            if (Storing)
            {
                EmitStores(w, used, whole);
            }
        }

        private void EmitStores(CodeWriter w, HashSet<string> used, bool whole)
        {
            string Store(string memory, string value) => KernelStatements.Store(memory, value, whole);
            foreach (StepOperand o in _step.Operands.Where(o => o.Written && used.Contains(o.Name)))
            {
                string store = Store(o.Name + "At", o.Name);
                w.Line(FusedStepEmitter.Optional(o) ? "if (" + o.Name + "Present) " + store : store);
            }

            if (used.Contains(KernelStatements.CriticalUse))
            {
                using (w.Block("if (__criticalAdmits)"))
                {
                    if (_step.Critical!.RunningSum)
                    {
                        w.Line(Store("__criticalSumAt", "__criticalSum"));
                    }

                    w.Line(Store("__criticalSlotAt", "__criticalSlot"));
                }
            }

            if (_sm3 is not null && used.Contains(KernelStatements.Sm3Use))
            {
                w.Line("if (!__sm3Factored) " + Store("__sm3AccumulatorAt", "__sm3Accumulator"));
            }

            if (_adafactor is not null && used.Contains(KernelStatements.AdafactorUse))
            {
                w.Line("if (!__adafactorFactored) " + Store("__adafactorFullAt", "__adafactorFull"));
            }
        }
    }
}
