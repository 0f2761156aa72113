using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace OptimDsl.Generator.Parsing
{
    /// <summary>Reads named (and the first positional) arguments of one attribute, with defaults.</summary>
    internal readonly struct AttributeReader
    {
        private readonly Dictionary<string, TypedConstant> _named;
        private readonly AttributeData _data;

        public AttributeReader(AttributeData data)
        {
            _data = data;
            _named = data.NamedArguments.ToDictionary(a => a.Key, a => a.Value);
        }

        public double Double(string name, double fallback) =>
            _named.TryGetValue(name, out TypedConstant c) && c.Value is not null ? System.Convert.ToDouble(c.Value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

        public double PositionalDouble(int index, double fallback) =>
            _data.ConstructorArguments.Length > index && _data.ConstructorArguments[index].Value is not null
                ? System.Convert.ToDouble(_data.ConstructorArguments[index].Value, System.Globalization.CultureInfo.InvariantCulture)
                : fallback;

        public int Int(string name, int fallback) =>
            _named.TryGetValue(name, out TypedConstant c) && c.Value is not null ? System.Convert.ToInt32(c.Value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

        public bool Bool(string name, bool fallback) =>
            _named.TryGetValue(name, out TypedConstant c) && c.Value is bool b ? b : fallback;

        public string String(string name, string fallback) =>
            _named.TryGetValue(name, out TypedConstant c) && c.Value is string s ? s : fallback;

        public TEnum Enum<TEnum>(string name, TEnum fallback)
            where TEnum : struct =>
            _named.TryGetValue(name, out TypedConstant c) && c.Value is not null
                ? (TEnum)System.Enum.ToObject(typeof(TEnum), c.Value)
                : fallback;
    }
}
