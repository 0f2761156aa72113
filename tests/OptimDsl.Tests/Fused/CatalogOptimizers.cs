using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp.Modules;

namespace OptimDsl.Tests.Fused
{
    /// <summary>Every optimizer of the catalog, constructed by reflection with its defaults and a chosen <c>fused</c> argument.</summary>
    public static class CatalogOptimizers
    {
        public static IReadOnlyList<Type> All { get; } = typeof(OptimDsl.Optimizers.Adam).Assembly.GetTypes()
            .Where(t => t.Namespace == "OptimDsl.Optimizers" && typeof(OptimizerHelper).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();

        public static IEnumerable<object[]> Names() => All.Select(t => new object[] { t.Name });

        public static Type Named(string name) => All.Single(t => t.Name == name);

        /// <summary><c>new T(parameters, fused: fused, name: value, ...)</c>; other arguments take their defaults.</summary>
        public static OptimizerHelper Create(Type type, IEnumerable<Parameter> parameters, bool? fused, IReadOnlyDictionary<string, object?>? arguments = null)
        {
            ConstructorInfo ctor = type.GetConstructors().Single(c => c.GetParameters()[0].ParameterType == typeof(IEnumerable<Parameter>));
            object?[] values = ctor.GetParameters()
                .Select((p, i) => i == 0 ? parameters
                    : p.Name == "fused" ? fused
                    : arguments is not null && arguments.TryGetValue(p.Name!, out object? v) ? v
                    : p.DefaultValue)
                .ToArray();
            try
            {
                return (OptimizerHelper)ctor.Invoke(values);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}
