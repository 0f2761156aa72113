using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp.Modules;

namespace OptimDsl.PropertyTests.Harness
{
    /// <summary>Constructs a generated optimizer through its <c>IEnumerable&lt;Parameter&gt;</c> constructor, arguments by name.</summary>
    public static class OptimizerFactory
    {
        /// <summary>
        /// <c>new T(parameters, name: value, ...)</c>: arguments not in <paramref name="arguments"/> take the constructor's
        /// defaults (i.e. the attribute constants). Unknown names throw, so a test cannot silently pass a misspelt argument.
        /// </summary>
        public static OptimizerHelper Create(Type optimizerType, IEnumerable<Parameter> parameters, IReadOnlyDictionary<string, object?> arguments)
        {
            ConstructorInfo ctor = optimizerType.GetConstructors()
                .Single(c => c.GetParameters().FirstOrDefault()?.ParameterType == typeof(IEnumerable<Parameter>));
            ParameterInfo[] ps = ctor.GetParameters();
            var known = new HashSet<string>(ps.Skip(1).Select(p => p.Name!));
            string[] unknown = arguments.Keys.Where(k => !known.Contains(k)).ToArray();
            if (unknown.Length > 0)
            {
                throw new ArgumentException("The generated constructor of " + optimizerType.Name + " has no argument(s) "
                    + string.Join(", ", unknown) + "; it has: " + string.Join(", ", known));
            }

            var values = new object?[ps.Length];
            values[0] = parameters;
            for (int i = 1; i < ps.Length; i++)
            {
                values[i] = arguments.TryGetValue(ps[i].Name!, out object? v) ? v : ps[i].DefaultValue;
            }

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
