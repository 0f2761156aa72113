using System.Collections.Generic;
using System.Linq;
using OptimDsl.Generator.Lowering;
using OptimDsl.Generator.Naming;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The statements of the lowered step as <c>Vector&lt;T&gt;</c> arithmetic over the loaded operands, for one kernel pass:
    /// the element-wise pass renders them all (its stores are written back by the kernel); a reduction pass renders the
    /// statements before its block, then the block's reduction, and stops. Records every name it uses, so the kernel loads only
    /// what it reads.
    /// </summary>
    internal sealed class KernelStatements
    {
        /// <summary>Marks that the critical buffer's locals are used.</summary>
        public const string CriticalUse = "<critical>";

        /// <summary>Marks that the critical entry pass's locals (seeding flags, finiteness flags) are used.</summary>
        public const string CriticalEntryUse = "<critical entry>";

        /// <summary>Marks that SM3's locals are used.</summary>
        public const string Sm3Use = "<sm3>";

        /// <summary>Marks that Adafactor's locals are used.</summary>
        public const string AdafactorUse = "<adafactor>";

        private readonly CodeWriter _w;
        private readonly LoweredStep _step;
        private readonly KernelPass _pass;
        private readonly bool _whole;
        private bool _done;

        /// <param name="w">The writer.</param>
        /// <param name="step">The lowered step.</param>
        /// <param name="pass">The kernel.</param>
        /// <param name="whole">True for the loop over whole vectors, false for the partial last vector (loads through the
        /// kernel's <c>tail</c> scratch, reductions masked to the valid lanes).</param>
        public KernelStatements(CodeWriter w, LoweredStep step, KernelPass pass, bool whole)
        {
            _w = w;
            _step = step;
            _pass = pass;
            _whole = whole;
        }

        /// <summary>A vector of the operand memory at address <paramref name="at"/>, element <c>i</c>.</summary>
        public static string Load(string at, bool whole) =>
            FusedNames.Vector + "." + (whole ? "Load<T>(" + at + ", __i)" : "LoadTail<T>(" + at + ", __i, __count, __tail)");

        /// <summary>Stores <paramref name="value"/> to the operand memory at address <paramref name="at"/>, element <c>i</c>.</summary>
        public static string Store(string at, string value, bool whole) =>
            FusedNames.Vector + "." + (whole ? "Store(" + at + ", __i, " + value + ");" : "StoreTail(" + at + ", __i, __count, " + value + ", __tail);");

        /// <summary>A vector of a per-column span (one row's worth) at element <c>i</c>.</summary>
        public static string LoadColumns(string span, bool whole) =>
            FusedNames.Vector + "." + (whole ? "Load(" + span + ", __i)" : "LoadTail(" + span + ", __i, __tail)");

        /// <summary>Stores <paramref name="value"/> to a per-column span at element <c>i</c>.</summary>
        public static string StoreColumns(string span, string value, bool whole) =>
            FusedNames.Vector + "." + (whole ? "Store(" + span + ", __i, " + value + ");" : "StoreTail(" + span + ", __i, " + value + ", __tail);");

        // The valid lanes of a reduction's input: all of a whole vector, the first count - i of the last one.
        private string Valid(string value, string fill) =>
            _whole ? value : FusedNames.Vector + ".Masked(" + value + ", __count - __i, " + fill + ", __tail)";

        /// <summary>Every operand, scalar, condition or local read or written (and the composite markers).</summary>
        public HashSet<string> Used { get; } = new();

        private bool Storing => _pass == KernelPass.Update;

        public void Emit(IReadOnlyList<Statement> statements)
        {
            for (int i = 0; i < statements.Count && !_done; i++)
            {
                if (statements[i] is CriticalSeedOnly seed)
                {
                    // The reference's first step only seeds the buffer: the rest of the step runs on the other steps.
                    Used.Add(_pass == KernelPass.CriticalEntry ? CriticalEntryUse : CriticalUse);
                    using (_w.Block("if (__criticalSeedOnly)"))
                    {
                        if (Storing)
                        {
                            OfferWrite(Use(seed.Seed));
                        }
                        else if (_pass == KernelPass.CriticalEntry)
                        {
                            FlagNonFinite(Use(seed.Seed));
                        }
                    }

                    using (_w.Block("else"))
                    {
                        Emit(statements.Skip(i + 1).ToList());
                    }

                    return;
                }

                Emit(statements[i]);
            }
        }

        private void Emit(Statement statement)
        {
            switch (statement)
            {
                case Define d:
                    _w.Line(FusedNames.VectorT + " " + d.Local + " = " + Code(d.Value) + ";");
                    break;
                case Assign a:
                    _w.Line(a.Local + " = " + Code(a.Value) + ";");
                    break;
                case Store s:
                    _w.Line(Use(s.Operand) + " = " + Code(s.Value) + ";");
                    break;
                case StoreFirstOrUpdate f:
                    _w.Line(Use(f.Operand) + " = " + f.Operand + "FirstUse ? " + Code(f.First) + " : " + Code(f.Update) + ";");
                    break;
                case When conditional:
                    using (_w.Block("if (" + Use(conditional.Condition) + ")"))
                    {
                        Emit(conditional.Then);
                    }

                    if (conditional.Otherwise.Count > 0)
                    {
                        using (_w.Block("else"))
                        {
                            Emit(conditional.Otherwise);
                        }
                    }

                    break;
                case CriticalOffer offer:
                    CriticalOffer(offer);
                    break;
                case Sm3Estimate sm3:
                    Sm3(sm3);
                    break;
                case AdafactorUpdate adafactor:
                    Adafactor(adafactor);
                    break;
            }
        }

        // Aggregate the source with the stored entries (as they were before this step), then offer it. The entry pass only
        // checks the entry's values and stops.
        private void CriticalOffer(CriticalOffer offer)
        {
            if (_pass == KernelPass.CriticalEntry)
            {
                Used.Add(CriticalEntryUse);
                string offered = Use(offer.Source);
                FlagNonFinite(offer.Seed == offer.Source ? offered : "(__criticalSeeding ? " + Use(offer.Seed) + " : " + offered + ")");
                _done = true;
                return;
            }

            Used.Add(CriticalUse);
            string source = Use(offer.Source);
            string sum = _step.Critical!.RunningSum
                ? "__criticalSum"
                : FusedNames.Critical + ".EntrySum<T>(__t.critical.Entries!, __t.critical.Count, __first + __i, " + (_whole ? "__lanes" : "__count - __i") + ", __tail)";
            if (Storing)
            {
                string entry = offer.Seed == offer.Source ? source : "__criticalSeeding ? " + Use(offer.Seed) + " : " + source;
                _w.Line(FusedNames.VectorT + " __criticalEntry = " + entry + ";");
            }

            _w.Line("if (__criticalAggregates) " + offer.Target + " = " + FusedNames.Critical + ".Aggregate(" + source + ", " + sum
                + ", __criticalInverseCount, __criticalInverseCountPlusOne, __criticalKappa, __criticalWeighted, __criticalRule);");
            if (Storing)
            {
                OfferWrite("__criticalEntry");
            }
        }

        // Folds the valid lanes of an entry into the finiteness flags.
        private void FlagNonFinite(string entry) =>
            _w.Line("__criticalFlags = " + FusedNames.Vector + ".FlagNonFinite(__criticalFlags, " + Valid(entry, "T.Zero") + ");");

        // The admitted entry replaces the slot's old one in the running sum and is stored.
        private void OfferWrite(string entry)
        {
            using (_w.Block("if (__criticalAdmits)"))
            {
                if (_step.Critical!.RunningSum)
                {
                    _w.Line("__criticalSum = (__criticalReplaces ? __criticalSum - __criticalSlot : __criticalSum) + " + entry + ";");
                }

                _w.Line("__criticalSlot = " + entry + ";");
            }
        }

        // SM3's estimate ν: the smallest accumulator covering the element, β-mixed with x² (Sm3Accumulators.Update). The
        // accumulators' new values, the maxima of ν, are gathered in the same pass (they are committed after it, since ν
        // is computed from the old ones).
        private void Sm3(Sm3Estimate sm3)
        {
            Used.Add(Sm3Use);
            string x = Use(sm3.Input);
            string nu = sm3.Target;
            string cover = FusedNames.Vector + ".Minimum(__sm3RowMinimum, " + LoadColumns("__sm3Last", _whole) + ")";
            _w.Line(FusedNames.VectorT + " " + nu + " = __sm3Factored ? " + cover + " : __sm3Accumulator;");
            _w.Line(nu + " = (__sm3Decays ? " + nu + " * __sm3Beta : " + nu + ") + " + x + " * " + x + " * __sm3OneMinusBeta;");
            using (_w.Block("if (__sm3Factored)"))
            {
                // The maxima of ν over every axis but one (padding lanes excluded): per row here, per column in the item's scratch.
                _w.Line(FusedNames.VectorT + " __sm3Valid = " + Valid(nu, "T.NegativeInfinity") + ";");
                _w.Line("__sm3RowMaximum = " + FusedNames.Vector + ".Maximum(__sm3RowMaximum, __sm3Valid);");
                _w.Line(StoreColumns("__sm3ColumnMaxima", FusedNames.Vector + ".Maximum(" + LoadColumns("__sm3ColumnMaxima", _whole) + ", __sm3Valid)", _whole));
            }

            using (_w.Block("else"))
            {
                // A rank ≤ 1 parameter's single accumulator: ν itself (β = 0) or max(acc, ν).
                _w.Line("__sm3Accumulator = __sm3Decays ? " + FusedNames.Vector + ".Maximum(__sm3Accumulator, " + nu + ") : " + nu + ";");
            }
        }

        // HuggingFace's Adafactor, per element: the statistics, the RMS of the preconditioned update, or the update itself.
        private void Adafactor(AdafactorUpdate a)
        {
            Used.Add(AdafactorUse);
            string x = Use(a.Input);
            if (_pass == KernelPass.AdafactorStatistics)
            {
                Use("__param");
                _w.Line(FusedNames.VectorT + " __adafactorSquare = " + x + " * " + x + " + __adafactorEps1;");
                using (_w.Block("if (__adafactorFactored)"))
                {
                    _w.Line("__adafactorRowSum = " + FusedNames.Vector + ".Accumulate(__adafactorRowSum, " + Valid("__adafactorSquare", "T.Zero") + ");");
                    _w.Line(FusedNames.Vector + ".AddTo(__adafactorColumnSums, __i, __adafactorSquare" + (_whole ? ");" : ", __count - __i, __tail);"));
                }

                _w.Line("__adafactorParamSquares = " + FusedNames.Vector + ".Accumulate(__adafactorParamSquares, __param * __param);");
                _done = true;
                return;
            }

            // factored: rsqrt(R/mean(R)) · rsqrt(C) · x; unfactored: V ← β·V + (1 − β)·(x² + eps1), rsqrt(V) · x.
            _w.Line(FusedNames.VectorT + " __adafactorUpdate;");
            using (_w.Block("if (__adafactorFactored)"))
            {
                _w.Line("__adafactorUpdate = __adafactorRowFactor * " + LoadColumns("__adafactorColumnFactors", _whole) + " * " + x + ";");
            }

            using (_w.Block("else"))
            {
                _w.Line("__adafactorFull = __adafactorFull * __adafactorBeta2 + (" + x + " * " + x + " + __adafactorEps1) * __adafactorOneMinusBeta2;");
                _w.Line("__adafactorUpdate = " + FusedNames.VectorT + ".One / " + FusedNames.Vector + ".Sqrt(__adafactorFull) * " + x + ";");
            }

            if (_pass == KernelPass.AdafactorRms)
            {
                _w.Line("__adafactorUpdateSquares = " + FusedNames.Vector + ".Accumulate(__adafactorUpdateSquares, " + Valid("__adafactorUpdate * __adafactorUpdate", "T.Zero") + ");");
                _done = true;
                return;
            }

            // Clipped, scaled by the relative step, optionally averaged; weight decay scaled by the relative step.
            _w.Line("__adafactorUpdate = __adafactorUpdate / __adafactorClip * __adafactorLearningRate;");
            using (_w.Block("if (" + Use(a.UseFirstMoment) + ")"))
            {
                string m = Use(a.FirstMoment);
                _w.Line(m + " = " + m + " * " + Use(a.Beta1) + " + __adafactorUpdate * " + Use(a.OneMinusBeta1) + ";");
                _w.Line("__adafactorUpdate = " + m + ";");
            }

            string p = Use("__param");
            _w.Line("if (" + Use(a.UseWeightDecay) + ") " + p + " = " + p + " + " + p + " * __adafactorLearningRate * " + Use(a.NegativeWeightDecay) + ";");
            _w.Line(p + " = " + p + " - __adafactorUpdate;");
        }

        private string Use(string name)
        {
            Used.Add(name);
            return name;
        }

        private string Code(Expr e) => Code(e, 0);

        // A whole argument: no parentheses around a choice.
        private string Argument(Expr e) => e is Choose c ? Use(c.Condition) + " ? " + Code(c.WhenTrue) + " : " + Code(c.WhenFalse) : Code(e);

        // Precedence: 0 = any, 1 = additive operand, 2 = multiplicative operand, 3 = unary operand.
        private string Code(Expr e, int context)
        {
            switch (e)
            {
                case ValueRef r:
                    return Use(r.Name);
                case ScalarRef s:
                    return Use(s.Name);
                case Negate n:
                    return "-" + Code(n.Value, 3);
                case SquareRoot q:
                    return FusedNames.Vector + ".Sqrt(" + Argument(q.Value) + ")";
                case Maximum m:
                    return FusedNames.Vector + ".Maximum(" + Argument(m.Left) + ", " + Argument(m.Right) + ")";
                case Choose c:
                    return "(" + Argument(c) + ")";
                case Binary b:
                    int own = b.Op is BinaryOp.Add or BinaryOp.Subtract ? 1 : 2;
                    string op = b.Op switch { BinaryOp.Add => " + ", BinaryOp.Subtract => " - ", BinaryOp.Multiply => " * ", _ => " / " };
                    string text = Code(b.Left, own) + op + Code(b.Right, own + 1);
                    return context > own ? "(" + text + ")" : text;
                default:
                    throw new System.InvalidOperationException("Unknown expression " + e);
            }
        }
    }
}
