namespace OptimDsl.Generator.Planning
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
    /// One generated constructor argument / <c>Options</c> field, with PyTorch's name, its default as a C# literal
    /// and its allowed range (checked at run time with an <c>ArgumentException</c> naming the argument).
    /// </summary>
    internal sealed record HyperParameter(
        string Name,
        HyperKind Kind,
        string DefaultLiteral,
        string Documentation,
        double? Min = null,
        bool MinInclusive = true,
        double? Max = null,
        bool MaxInclusive = false)
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

        public bool HasRange => Min is not null || Max is not null;
    }
}
