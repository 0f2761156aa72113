namespace OptimDsl.Generator.Planning
{
    /// <summary>
    /// A per-parameter runtime helper object owned by the state (SM3 accumulators, Adafactor factors). Its type offers
    /// <c>Save</c>, <c>Load</c>, <c>CopyFrom</c>, <c>to</c>, <c>ApproximatelyEquals</c> and <c>Dispose</c>.
    /// <see cref="Creation"/> is a C# expression over <c>_parameter</c> and <c>options</c>.
    /// </summary>
    internal sealed record StateObject(string Name, string TypeName, string Creation, string Documentation);
}
