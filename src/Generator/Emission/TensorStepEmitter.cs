using System.Collections.Generic;
using System.Linq;
using OptimDsl.Generator.Lowering;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The tensor-operation back end: one parameter's step as a straight line of in-place tensor operations (any device,
    /// any dtype), rendered from the lowered step. Where an expression has the shape of a fused libtorch operation it becomes
    /// that operation (<c>mul_(a).add_(x, alpha: b)</c>, <c>addcmul_</c>, <c>addcdiv_</c>), exactly as torch.optim writes
    /// it, so the classics stay bit-identical to TorchSharp's; temporaries the step owns are updated in place.
    /// </summary>
    internal sealed class TensorStepEmitter
    {
        private readonly CodeWriter _w;
        private readonly LoweredStep _step;
        private readonly Dictionary<string, StepOperand> _operands;
        private readonly Dictionary<string, string> _conditions;
        private readonly HashSet<string> _lazyReady = new();

        public TensorStepEmitter(CodeWriter w, LoweredStep step)
        {
            _w = w;
            _step = step;
            _operands = step.Operands.ToDictionary(o => o.Name);
            _conditions = step.Conditions.ToDictionary(c => c.Name, c => c.Expression);
        }

        /// <summary>The per-parameter statements, then the critical buffer's priority decay.</summary>
        public void EmitParameterStep()
        {
            foreach (StepScalar s in _step.Scalars.Where(s => s.Scope == ScalarScope.Parameter))
            {
                _w.Line("using " + Names.Scalar + " " + s.Name + " = " + s.Expression + ";");
            }

            Emit(_step.Statements);
            if (_step.Critical is { } c)
            {
                _w.Line("__state.critical?.DecayPriorities(" + c.Decay + ");");
            }
        }

        private void Emit(IEnumerable<Statement> statements)
        {
            foreach (Statement s in statements)
            {
                Emit(s);
            }
        }

        private void Emit(Statement statement)
        {
            switch (statement)
            {
                case Define d:
                    _w.Line(Names.Tensor + " " + d.Local + " = " + Unparenthesized(Render(d.Value).Code) + ";");
                    break;
                case Assign a:
                    _w.Line(a.Local + " = " + Unparenthesized(Render(a.Value).Code) + ";");
                    break;
                case Store s:
                    EnsureLazy(s.Operand);
                    _w.Line(StoreCode(s.Operand, s.Value) + ";");
                    break;
                case StoreFirstOrUpdate f:
                    // A copy of the first value in the parameter's layout (a clone would keep a non-contiguous gradient's
                    // strides, and such state could neither take the fused path nor be saved).
                    string target = _operands[f.Operand].Tensor;
                    _w.Line("if (" + target + " is null) " + target + " = " + Names.Torch + ".empty_like(__param).copy_(" + Unparenthesized(Render(f.First).Code) + ").DetachFromDisposeScope();");
                    _w.Line("else " + StoreCode(f.Operand, f.Update) + ";");
                    break;
                case When conditional:
                    EmitWhen(conditional);
                    break;
                case CriticalOffer offer:
                    EmitCriticalOffer(offer);
                    break;
                case CriticalSeedOnly seed:
                    EmitSeedOnly(seed);
                    break;
                case Sm3Estimate sm3:
                    _w.Line(Names.Tensor + " " + sm3.Target + " = __state." + sm3.StateObject + ".Update(" + Tensor(sm3.Input) + ", " + sm3.Beta + ");");
                    break;
                case AdafactorUpdate ada:
                    EmitAdafactor(ada);
                    break;
            }
        }

        private void EmitWhen(When when)
        {
            string condition = _conditions[when.Condition];
            if (when.Otherwise.Count == 0 && when.Then.Count == 1 && when.Then[0] is Store or Assign && !NeedsLazy(when.Then[0]))
            {
                var inner = new CodeWriter();
                new TensorStepEmitter(inner, _step).Emit(when.Then[0]);
                _w.Line("if (" + condition + ") " + inner.ToString().Trim());
                return;
            }

            using (_w.Block("if (" + condition + ")"))
            {
                Emit(when.Then);
            }

            if (when.Otherwise.Count > 0)
            {
                using (_w.Block("else"))
                {
                    Emit(when.Otherwise);
                }
            }
        }

        private bool NeedsLazy(Statement s) => s is Store store && _operands[store.Operand].Lazy == LazyInit.Zeros && !_lazyReady.Contains(store.Operand);

        // A state tensor created by the first step that writes it (zeros).
        private void EnsureLazy(string operand)
        {
            StepOperand o = _operands[operand];
            if (o.Lazy == LazyInit.Zeros && _lazyReady.Add(operand))
            {
                _w.Line(o.Tensor + " ??= " + Names.Torch + ".zeros_like(__param).DetachFromDisposeScope();");
            }
        }

        // Writes `operand = value` in place, as the fused libtorch operation the expression spells when there is one.
        private string StoreCode(string operand, Expr value)
        {
            string x = Tensor(operand);
            bool Self(Expr e) => e is ValueRef r && r.Name == operand;

            // x * a + ...
            if (value is Binary { Op: BinaryOp.Add, Left: Binary { Op: BinaryOp.Multiply, Left: var self, Right: ScalarRef keep } } sum && Self(self))
            {
                return x + ".mul_(" + keep.Name + ")" + AccumulateCode(sum.Right);
            }

            // x + ...
            if (value is Binary { Op: BinaryOp.Add, Left: var me } add && Self(me))
            {
                return x + AccumulateCode(add.Right);
            }

            if (value is Binary { Op: BinaryOp.Multiply, Left: var scaled, Right: ScalarRef factor } && Self(scaled))
            {
                return x + ".mul_(" + factor.Name + ")";
            }

            if (value is Maximum { Left: var first } max && Self(first))
            {
                return x + ".copy_(" + Names.Torch + ".maximum(" + x + ", " + Tensor(max.Right) + "))";
            }

            return x + ".copy_(" + Unparenthesized(Render(value).Code) + ")";
        }

        // TorchSharp's add(x)/add_(x) and addcdiv_(a, b) pass a temporary Scalar 1 to libtorch (Tensor.Math.cs: `add_(scalar, 1)`),
        // which a collection can free during the call: the generated code passes the runtime's static one instead.
        private const string One = "global::OptimDsl.Runtime.Scalars.One";

        // `.add_(a, alpha: s)`, `.addcmul_(a, b, value: s)`, `.addcdiv_(a, b[, value: s])` or `.add_(a)` for a term added in place.
        private string AccumulateCode(Expr term)
        {
            if (term is Binary { Op: BinaryOp.Multiply, Right: ScalarRef s } scaled)
            {
                return scaled.Left switch
                {
                    Binary { Op: BinaryOp.Multiply } p => ".addcmul_(" + Tensor(p.Left) + ", " + Tensor(p.Right) + ", value: " + s.Name + ")",
                    Binary { Op: BinaryOp.Divide } q => ".addcdiv_(" + Tensor(q.Left) + ", " + Tensor(q.Right) + ", value: " + s.Name + ")",
                    _ => ".add_(" + Tensor(scaled.Left) + ", alpha: " + s.Name + ")",
                };
            }

            return term is Binary { Op: BinaryOp.Divide } quotient
                ? ".addcdiv_(" + Tensor(quotient.Left) + ", " + Tensor(quotient.Right) + ", value: " + One + ")"
                : ".add_(" + Tensor(term) + ", alpha: " + One + ")";
        }

        /// <summary>A tensor expression for <paramref name="e"/>; fresh = a temporary the step owns (safe to update in place).</summary>
        private (string Code, bool Fresh) Render(Expr e)
        {
            switch (e)
            {
                case ValueRef r:
                    return (Tensor(r), false);
                case Negate n:
                    return Apply(Render(n.Value), "neg");
                case SquareRoot s:
                    return Apply(Render(s.Value), "sqrt");
                case Maximum m:
                    return (Names.Torch + ".maximum(" + Tensor(m.Left) + ", " + Tensor(m.Right) + ")", true);
                case Choose c:
                    var whenTrue = Render(c.WhenTrue);
                    var whenFalse = Render(c.WhenFalse);
                    return ("(" + _conditions[c.Condition] + " ? " + Unparenthesized(whenTrue.Code) + " : " + Unparenthesized(whenFalse.Code) + ")", whenTrue.Fresh && whenFalse.Fresh);
                case Binary b:
                    return RenderBinary(b);
                default:
                    throw new System.InvalidOperationException("A scalar is not a tensor: " + e);
            }
        }

        private (string Code, bool Fresh) RenderBinary(Binary b)
        {
            var left = Render(b.Left);
            if (b.Op == BinaryOp.Add && b.Right is Binary { Op: BinaryOp.Multiply, Right: ScalarRef s } scaled)
            {
                return scaled.Left switch
                {
                    Binary { Op: BinaryOp.Multiply } p => Apply(left, "addcmul", Tensor(p.Left) + ", " + Tensor(p.Right) + ", value: " + s.Name),
                    Binary { Op: BinaryOp.Divide } q => Apply(left, "addcdiv", Tensor(q.Left) + ", " + Tensor(q.Right) + ", value: " + s.Name),
                    _ => Apply(left, "add", Tensor(scaled.Left) + ", alpha: " + s.Name),
                };
            }

            return Apply(left, OperatorName(b.Op), (b.Right is ScalarRef scalar ? scalar.Name : Tensor(b.Right)) + (b.Op == BinaryOp.Add ? ", alpha: " + One : string.Empty));
        }

        private static string OperatorName(BinaryOp op) => op switch
        {
            BinaryOp.Add => "add",
            BinaryOp.Subtract => "sub",
            BinaryOp.Multiply => "mul",
            _ => "div",
        };

        // x.op(args) on a tensor the step does not own, x.op_(args) on one it does.
        private static (string Code, bool Fresh) Apply((string Code, bool Fresh) x, string op, string args = "") =>
            (x.Code + "." + op + (x.Fresh ? "_" : string.Empty) + "(" + args + ")", true);

        private string Tensor(Expr e) => e is ValueRef r ? Tensor(r) : Unparenthesized(Render(e).Code);

        private string Tensor(ValueRef r) => Tensor(r.Name);

        // An operand's tensor (optional ones asserted non-null where they are read) or a local.
        private string Tensor(string name) =>
            _operands.TryGetValue(name, out StepOperand? o) ? o.Tensor + (o.Present is not null || o.Lazy != LazyInit.None ? "!" : string.Empty) : name;

        private void EmitCriticalOffer(CriticalOffer offer)
        {
            CriticalLowering c = _step.Critical!;
            using (_w.Block("if (__state.critical is not null)"))
            {
                _w.Line("__state.critical.DropOlderThan(" + c.MaxAge + ");");
                _w.Line("if (__state.critical.HasEverReceived) " + offer.Target + " = __state.critical.AggregateAndOffer(" + Tensor(offer.Source) + ", "
                    + c.Rule + ", __kappaWeight, __priorities[__index], " + c.CriticalTest + ");");
                _w.Line("else __state.critical.Offer(" + Tensor(offer.Seed) + ", __priorities[__index], " + c.CriticalTest + ");");
            }
        }

        // The reference's first step (Adam+CM) only seeds the buffer: moments and parameter stay where they are.
        private void EmitSeedOnly(CriticalSeedOnly seed)
        {
            CriticalLowering c = _step.Critical!;
            using (_w.Block("if (__state.critical is not null && !__state.critical.HasEverReceived)"))
            {
                _w.Line("__state.critical.Offer(" + Tensor(seed.Seed) + ", __priorities[__index], " + c.CriticalTest + ");");
                _w.Line("__state.critical.DecayPriorities(" + c.Decay + ");");
                _w.Line("continue;");
            }
        }

        // HuggingFace's Adafactor step, in its order; the relative learning rate stays on the device (no host read).
        private void EmitAdafactor(AdafactorUpdate a)
        {
            const string math = "global::OptimDsl.Runtime.AdafactorMath";
            _w.Line(Names.Tensor + " __learningRate = " + math + ".LearningRate(__param, __state.step, " + a.Lr + ", " + a.Eps2 + ", " + a.RelativeStep + ", "
                + a.ScaleParameter + ", " + a.WarmupInit + ");");
            _w.Line(Names.Tensor + " __update = __state." + a.StateObject + ".Precondition(" + Tensor(a.Input) + ", " + math + ".Beta2(__state.step, " + a.DecayRate
                + "), " + a.Eps1 + ");");
            _w.Line(math + ".ClipByRms(__update, " + a.ClipThreshold + ");");
            _w.Line("__update.mul_(__learningRate);");
            string m = _operands[a.FirstMoment].Tensor;
            using (_w.Block("if (" + _conditions[a.UseFirstMoment] + ")"))
            {
                _w.Line(m + " ??= " + Names.Torch + ".zeros_like(__param).DetachFromDisposeScope();");
                _w.Line(m + ".mul_(" + a.Beta1 + ").add_(__update, alpha: " + a.OneMinusBeta1 + ");");
                _w.Line("__update = " + m + ";");
            }

            _w.Line("if (" + _conditions[a.UseWeightDecay] + ") __param.add_(__param.mul(__learningRate), alpha: " + a.NegativeWeightDecay + ");");
            _w.Line("__param.sub_(__update);");
        }

        // "(a ? b : c)" -> "a ? b : c" where the expression becomes a whole argument.
        private static string Unparenthesized(string expression) =>
            expression.Length > 1 && expression[0] == '(' && expression[expression.Length - 1] == ')' && Balanced(expression.Substring(1, expression.Length - 2))
                ? expression.Substring(1, expression.Length - 2)
                : expression;

        private static bool Balanced(string text)
        {
            int depth = 0;
            foreach (char c in text)
            {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (depth < 0)
                {
                    return false;
                }
            }

            return depth == 0;
        }
    }
}
