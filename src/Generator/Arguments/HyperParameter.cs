using OptimDsl.Shared;

namespace OptimDsl.Generator.Arguments
{
    /// <summary>The C# shape of a generated hyper-parameter.</summary>
    internal enum HyperKind
    {
        Double,
        NullableDouble,
        Bool,
        Int,
        ULong,
        Aggregation,
        NullableScalarType,
    }

    /// <summary>
    /// One generated constructor argument / <c>Options</c> field, with PyTorch's name, its default as a C# literal and its
    /// <see cref="ArgumentRole"/>, from which its allowed range comes (checked at run time with an <c>ArgumentException</c>
    /// naming the argument, and at compile time for the declared default: <see cref="Declared"/>).
    /// </summary>
    internal sealed record HyperParameter(
        string Name,
        HyperKind Kind,
        ArgumentRole Role,
        string DefaultLiteral,
        string Documentation,
        DeclaredDefault? Declared = null)
    {
        public string ClrType => Kind switch
        {
            HyperKind.Double => "double",
            HyperKind.NullableDouble => "double?",
            HyperKind.Bool => "bool",
            HyperKind.Int => "int",
            HyperKind.ULong => "ulong",
            HyperKind.Aggregation => "global::OptimDsl.AggregationRule",
            _ => "global::TorchSharp.torch.ScalarType?",
        };

        /// <summary>True for values that may legitimately be absent (then the Options field is not wrapped in Nullable twice).</summary>
        public bool IsNullableValue => Kind is HyperKind.NullableScalarType or HyperKind.NullableDouble;

        /// <summary>The allowed values (the role's), or null when any value of the type is allowed.</summary>
        public Interval? Range => ArgumentRoles.RangeOf(Role);

        public bool HasRange => Range is not null;
    }

    /// <summary>The attribute property whose value is an argument's default (<c>CriticalBuffer.Decay</c>), and that value.</summary>
    internal sealed record DeclaredDefault(string Attribute, string Property, double Value)
    {
        /// <summary>The name diagnostics use: <c>Attribute.Property</c>.</summary>
        public string Path => Attribute + "." + Property;
    }
}
