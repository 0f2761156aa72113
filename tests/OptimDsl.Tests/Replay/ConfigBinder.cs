using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using TorchSharp.Modules;

namespace OptimDsl.Tests.Replay
{
    /// <summary>
    /// Binds a reference's keyword arguments (PyTorch names) to the constructor of a generated optimizer, by name.
    /// Generic rules only: <c>betas</c> splits into <c>beta1</c>/<c>beta2</c>; strings bind to enum arguments by name;
    /// a key with no matching argument is an error (never silently dropped).
    /// </summary>
    public static class ConfigBinder
    {
        /// <param name="optimizer">The generated optimizer type.</param>
        /// <param name="parameters">The parameters.</param>
        /// <param name="config">The reference's keyword arguments.</param>
        /// <param name="fused">The generated optimizer's <c>fused</c> argument (which back end runs).</param>
        public static object Create(Type optimizer, IEnumerable<Parameter> parameters, IReadOnlyDictionary<string, JsonElement> config, bool? fused = null)
        {
            ConstructorInfo ctor = optimizer.GetConstructors()
                .Single(c => c.GetParameters().FirstOrDefault()?.ParameterType == typeof(IEnumerable<Parameter>));
            ParameterInfo[] formals = ctor.GetParameters();
            var values = new Dictionary<string, object?>();
            foreach ((string key, JsonElement value) in Expand(config))
            {
                ParameterInfo formal = formals.FirstOrDefault(p => p.Name == key)
                    ?? throw new ArgumentException($"config key '{key}' has no matching argument on {optimizer.Name} (arguments: {string.Join(", ", formals.Skip(1).Select(p => p.Name))})");
                values[key] = Convert(value, formal.ParameterType, key);
            }

            values["fused"] = fused;
            object?[] args = formals.Select((p, i) => i == 0 ? parameters : values.TryGetValue(p.Name!, out object? v) ? v : p.DefaultValue).ToArray();
            return ctor.Invoke(args);
        }

        private static IEnumerable<(string, JsonElement)> Expand(IReadOnlyDictionary<string, JsonElement> config)
        {
            foreach ((string key, JsonElement value) in config)
            {
                if (key == "betas" && value.ValueKind == JsonValueKind.Array)
                {
                    yield return ("beta1", value[0]);
                    yield return ("beta2", value[1]);
                }
                else
                {
                    yield return (key, value);
                }
            }
        }

        private static object? Convert(JsonElement value, Type target, string key)
        {
            Type type = Nullable.GetUnderlyingType(target) ?? target;
            if (value.ValueKind == JsonValueKind.Null)
            {
                return Nullable.GetUnderlyingType(target) is not null || !target.IsValueType ? null : throw new ArgumentException($"config key '{key}' is null but {target.Name} is required");
            }

            if (type.IsEnum)
            {
                return Enum.GetNames(type).FirstOrDefault(n => string.Equals(n, value.GetString(), StringComparison.OrdinalIgnoreCase)) is { } name
                    ? Enum.Parse(type, name)
                    : throw new ArgumentException($"config key '{key}' = '{value}' is not one of {string.Join(", ", Enum.GetNames(type))}");
            }

            if (type == typeof(double)) return value.GetDouble();
            if (type == typeof(int)) return value.GetInt32();
            if (type == typeof(ulong)) return value.GetUInt64();
            if (type == typeof(bool)) return value.ValueKind == JsonValueKind.Number ? value.GetDouble() != 0 : value.GetBoolean();
            throw new ArgumentException($"config key '{key}': cannot bind {value.ValueKind} to {target.Name}");
        }
    }
}
