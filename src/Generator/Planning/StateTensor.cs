namespace OptimDsl.Generator.Planning
{
    /// <summary>
    /// A persistent per-parameter state tensor. <see cref="Initializer"/> is a C# expression over <c>_parameter</c> and
    /// <c>options</c> (the group's resolved Options); <see cref="Condition"/>, when set, decides at initialisation
    /// whether the tensor exists at all (e.g. only with <c>amsgrad</c>); <see cref="Lazy"/> tensors are created by
    /// the step itself (PyTorch's SGD momentum buffer, a clone of the first input).
    /// </summary>
    internal sealed record StateTensor(string Name, string Documentation, string Initializer, string? Condition = null, bool Lazy = false)
    {
        public bool IsOptional => Condition is not null || Lazy;
    }
}
