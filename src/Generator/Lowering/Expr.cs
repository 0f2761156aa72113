namespace OptimDsl.Generator.Lowering
{
    /// <summary>
    /// A per-element value of the lowered step: what one element of a tensor becomes. The tensor back end turns an expression
    /// into tensor operations (in place where it owns the tensor), the fused back end into <c>Vector&lt;T&gt;</c> arithmetic.
    /// </summary>
    internal abstract record Expr;

    /// <summary>An operand (a tensor's element) or a local value, by name.</summary>
    internal sealed record ValueRef(string Name) : Expr;

    /// <summary>A hoisted host scalar (<see cref="StepScalar"/>), by name.</summary>
    internal sealed record ScalarRef(string Name) : Expr;

    /// <summary><c>-x</c>.</summary>
    internal sealed record Negate(Expr Value) : Expr;

    /// <summary><c>a op b</c>.</summary>
    internal sealed record Binary(BinaryOp Op, Expr Left, Expr Right) : Expr;

    /// <summary><c>sqrt(x)</c>.</summary>
    internal sealed record SquareRoot(Expr Value) : Expr;

    /// <summary><c>torch.maximum(a, b)</c>: NaN if either is NaN.</summary>
    internal sealed record Maximum(Expr Left, Expr Right) : Expr;

    /// <summary><c>condition ? a : b</c> with a condition that holds for a whole tensor (<see cref="StepCondition"/>).</summary>
    internal sealed record Choose(string Condition, Expr WhenTrue, Expr WhenFalse) : Expr;

    /// <summary>The arithmetic operators of <see cref="Binary"/>.</summary>
    internal enum BinaryOp
    {
        Add,
        Subtract,
        Multiply,
        Divide,
    }

    /// <summary>Shorthands for building expressions in the lowering.</summary>
    internal static class E
    {
        public static Expr V(string name) => new ValueRef(name);

        public static Expr S(string name) => new ScalarRef(name);

        public static Expr Add(Expr a, Expr b) => new Binary(BinaryOp.Add, a, b);

        public static Expr Sub(Expr a, Expr b) => new Binary(BinaryOp.Subtract, a, b);

        public static Expr Mul(Expr a, Expr b) => new Binary(BinaryOp.Multiply, a, b);

        public static Expr Div(Expr a, Expr b) => new Binary(BinaryOp.Divide, a, b);

        public static Expr Sqrt(Expr a) => new SquareRoot(a);

        public static Expr Max(Expr a, Expr b) => new Maximum(a, b);

        public static Expr Neg(Expr a) => new Negate(a);

        public static Expr If(string condition, Expr whenTrue, Expr whenFalse) => new Choose(condition, whenTrue, whenFalse);
    }
}
