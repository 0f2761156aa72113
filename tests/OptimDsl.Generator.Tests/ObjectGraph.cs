using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// Walks everything reachable from a pipeline value (fields of every object, public properties of every object,
    /// elements of every collection; cycles handled) and fails if it reaches compilation data that must not be cached:
    /// symbols, syntax, compilations, semantic models, locations, attribute data (cf. the Roslyn incremental-generator
    /// cookbook and NetEscapades.EnumGenerators' AssertObjectGraph).
    /// </summary>
    /// <remarks>
    /// With <c>allowSourceTrees</c>, a <see cref="SyntaxTree"/> is accepted as the <c>Tree</c> member of a type named <c>LocationInfo</c>
    /// (the CommunityToolkit.Mvvm design: diagnostics keep their tree so they can be reported in source; the tree is the
    /// same object while its file is unchanged, so caching is unaffected). Plans must never hold one.
    /// </remarks>
    public static class ObjectGraph
    {
        private static readonly Type[] Forbidden =
        {
            typeof(ISymbol),
            typeof(SyntaxNode),
            typeof(SyntaxTree),
            typeof(Compilation),
            typeof(SemanticModel),
            typeof(Location),
            typeof(AttributeData),
            typeof(SyntaxReference),
        };

        private static readonly Type[] ForbiddenValueTypes =
        {
            typeof(SyntaxToken),
            typeof(SyntaxTrivia),
            typeof(TypedConstant),
            typeof(GeneratorAttributeSyntaxContext),
        };

        private const int MaxObjects = 200_000;
        private const int MaxPathLength = 4_000;

        private static readonly ConcurrentDictionary<Type, MemberInfo[]> MembersCache = new();

        /// <summary>Fails with the path to the first forbidden object reachable from <paramref name="root"/>.</summary>
        public static void AssertHoldsNoCompilationData(object? root, string stepName, bool allowSourceTrees = false)
        {
            var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
            var pending = new Stack<(object Value, string Path, Type? Owner)>();
            if (root is not null)
            {
                pending.Push((root, stepName, null));
            }

            int walked = 0;
            while (pending.Count > 0)
            {
                (object value, string path, Type? owner) = pending.Pop();
                if (++walked > MaxObjects || path.Length > MaxPathLength)
                {
                    throw new XunitException($"Step output of {stepName} is too large or too deep to walk (at {path.Substring(0, Math.Min(path.Length, 2000))}).");
                }

                Type type = value.GetType();
                if (allowSourceTrees && value is SyntaxTree && path.EndsWith(".Tree", StringComparison.Ordinal) && owner?.Name is "LocationInfo")
                {
                    continue;
                }

                if (IsForbidden(type))
                {
                    throw new XunitException($"Step output reaches a {type.FullName} at {path}: pipeline models must hold plain values only.");
                }

                if (IsLeaf(type) || (!type.IsValueType && !visited.Add(value)))
                {
                    continue;
                }

                if (value is IEnumerable sequence and not string)
                {
                    int index = 0;
                    foreach (object? item in SafeEnumerate(sequence))
                    {
                        if (item is not null)
                        {
                            pending.Push((item, path + "[" + index + "]", type));
                        }

                        index++;
                    }
                }

                foreach (MemberInfo member in MembersOf(type))
                {
                    object? child = Read(member, value);
                    if (child is not null)
                    {
                        pending.Push((child, path + "." + DisplayName(member), type));
                    }
                }
            }
        }

        private static bool IsForbidden(Type type) =>
            Forbidden.Any(f => f.IsAssignableFrom(type)) || ForbiddenValueTypes.Contains(type);

        private static bool IsLeaf(Type type) =>
            type.IsPrimitive || type.IsEnum || type.IsPointer || type == typeof(string) || type == typeof(decimal)
            || typeof(Type).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type) || typeof(MemberInfo).IsAssignableFrom(type)
            || type == typeof(IntPtr) || type == typeof(UIntPtr) || type == typeof(object);

        // All instance fields (up the hierarchy: auto-property backing fields included) and readable public instance
        // properties without index parameters (for computed views). Pointer and by-ref-like members are skipped.
        private static MemberInfo[] MembersOf(Type type) => MembersCache.GetOrAdd(type, t =>
        {
            var members = new List<MemberInfo>();
            for (Type? current = t; current is not null && current != typeof(object); current = current.BaseType)
            {
                members.AddRange(current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .Where(f => !f.FieldType.IsPointer && !f.FieldType.IsByRefLike));
            }

            if (!typeof(IEnumerable).IsAssignableFrom(t))
            {
                members.AddRange(t.GetProperties(BindingFlags.Instance | BindingFlags.Public)
                    .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && !p.PropertyType.IsPointer && !p.PropertyType.IsByRefLike
                        && p.GetMethod is { } getter && !getter.IsDefined(typeof(CompilerGeneratedAttribute)) && p.Name != "EqualityContract"));
            }

            return members.ToArray();
        });

        // "<Tree>k__BackingField" (auto-property) and "<Tree>i__Field" (anonymous type) read as "Tree".
        private static string DisplayName(MemberInfo member) =>
            member.Name.StartsWith('<') && member.Name.IndexOf('>') is > 1 and var end ? member.Name.Substring(1, end - 1) : member.Name;

        private static object? Read(MemberInfo member, object owner)
        {
            try
            {
                return member switch
                {
                    FieldInfo f => f.GetValue(owner),
                    PropertyInfo p => p.GetValue(owner),
                    _ => null,
                };
            }
            catch (TargetInvocationException)
            {
                return null; // a computed property that throws on this value holds nothing
            }
        }

        private static IEnumerable<object?> SafeEnumerate(IEnumerable sequence)
        {
            var items = new List<object?>();
            try
            {
                foreach (object? item in sequence)
                {
                    items.Add(item);
                }
            }
            catch (InvalidOperationException)
            {
                // e.g. a default ImmutableArray: nothing to walk
            }

            return items;
        }
    }
}
