namespace OptimDsl.Generator.Model
{
    /// <summary>Where the generated partial goes: namespace, name, accessibility and the chain of containing types.</summary>
    internal sealed record TypeDeclarationInfo(
        string? Namespace,
        string Name,
        string Accessibility,
        bool IsSealed,
        EquatableArray<ContainingTypeInfo> ContainingTypes)
    {
        /// <summary>File-name friendly unique hint, e.g. <c>MyApp.Outer.MyAdam</c>.</summary>
        public string HintName
        {
            get
            {
                string prefix = Namespace is null ? string.Empty : Namespace + ".";
                foreach (ContainingTypeInfo t in ContainingTypes)
                {
                    prefix += t.Name + ".";
                }

                return prefix + Name;
            }
        }
    }

    /// <summary>A containing (partial) type declaration, outermost first.</summary>
    internal sealed record ContainingTypeInfo(string Keyword, string Name);
}
