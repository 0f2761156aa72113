using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace OptimDsl.Tests.Replay
{
    /// <summary>Finds the catalog optimizer that reproduces a reference, by its <see cref="ReproducesAttribute"/>.</summary>
    public static class CatalogLookup
    {
        private static readonly Lazy<Dictionary<string, Type>> ByReference = new(() =>
            typeof(OptimDsl.Optimizers.Adam).Assembly.GetTypes()
                .SelectMany(t => t.GetCustomAttributes<ReproducesAttribute>().Select(a => (a.Reference, Type: t)))
                .ToDictionary(p => p.Reference, p => p.Type));

        public static Type? Find(string reference) => ByReference.Value.TryGetValue(reference, out Type? t) ? t : null;

        public static IReadOnlyCollection<string> References => ByReference.Value.Keys;
    }
}
