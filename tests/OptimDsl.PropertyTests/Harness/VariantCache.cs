using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using OptimDsl.PropertyTests.Declarations;

namespace OptimDsl.PropertyTests.Harness
{
    /// <summary>
    /// Compiled optimizer types by declaration. <see cref="Prefetch"/> generates and compiles many declarations in one
    /// compilation (one namespace per declaration); <see cref="Get"/> compiles a missing one on its own (shrink
    /// candidates). An optional mutation edits every generated source before compilation (planted-bug tests).
    /// Dispose to unload the assemblies.
    /// </summary>
    public sealed class VariantCache : IDisposable
    {
        private readonly Func<string, string>? _mutation;
        private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
        private readonly List<LoadedVariants> _assemblies = new();
        private int _namespaces;

        public VariantCache(Func<string, string>? mutation = null) => _mutation = mutation;

        /// <summary>Declarations compiled in batches.</summary>
        public int BatchCompiled { get; private set; }

        /// <summary>Declarations compiled one by one (cache misses: shrink candidates, or a batch that failed).</summary>
        public int SinglyCompiled { get; private set; }

        /// <summary>Number of compilations run.</summary>
        public int Compilations { get; private set; }

        /// <summary>Number of mutated generated sources (where the mutation changed the text).</summary>
        public int Mutated { get; private set; }

        /// <summary>The compiled type, or an exception describing why there is none (generator diagnostics, compile errors).</summary>
        public Type Get(Declaration d)
        {
            string key = d.ToSource();
            if (!_entries.TryGetValue(key, out Entry? e))
            {
                CompileBatch(new[] { d });
                SinglyCompiled++;
                e = _entries[key];
            }

            return e.Type ?? throw new InvalidOperationException(e.Error);
        }

        /// <summary>Compiles the declarations not yet compiled, <paramref name="batchSize"/> per compilation.</summary>
        public void Prefetch(IEnumerable<Declaration> declarations, int batchSize = 60)
        {
            List<Declaration> missing = declarations
                .GroupBy(d => d.ToSource(), StringComparer.Ordinal).Select(g => g.First())
                .Where(d => !_entries.ContainsKey(d.ToSource()))
                .ToList();
            for (int i = 0; i < missing.Count; i += batchSize)
            {
                Declaration[] batch = missing.Skip(i).Take(batchSize).ToArray();
                if (!CompileBatch(batch))
                {
                    // Isolate the declaration(s) that break the batch.
                    foreach (Declaration d in batch)
                    {
                        CompileBatch(new[] { d });
                        SinglyCompiled++;
                    }
                }
                else
                {
                    BatchCompiled += batch.Length;
                }
            }
        }

        // True when the batch compiled; otherwise records per-declaration errors only for a batch of one.
        private bool CompileBatch(IReadOnlyList<Declaration> batch)
        {
            var names = batch.Select(_ => "Variants.N" + (++_namespaces)).ToArray();
            string[] sources = batch.Select((d, i) => d.ToSource(names[i])).ToArray();
            GeneratedSources g = VariantCompiler.Generate(sources);
            var generated = new string[batch.Count];
            var errors = new string?[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                string path = g.Declarations[i].FilePath;
                Diagnostic[] bad = g.Diagnostics
                    .Where(x => x.Severity >= DiagnosticSeverity.Warning && (x.Location.SourceTree?.FilePath == path || x.Location == Location.None))
                    .ToArray();
                if (bad.Length > 0)
                {
                    errors[i] = "The generator reported diagnostics for this valid declaration:\n" + string.Join("\n", bad.Select(x => x.ToString()));
                    generated[i] = "";
                    continue;
                }

                string text = g.Generated.Single(x => x.HintName == names[i] + ".V.g.cs").Source;
                string mutated = _mutation is null ? text : _mutation(text);
                if (!ReferenceEquals(mutated, text) && mutated != text)
                {
                    Mutated++;
                }

                generated[i] = mutated;
            }

            if (batch.Count > 1 && errors.Any(e => e is not null))
            {
                return false;
            }

            Compilations++;
            LoadedVariants? loaded = null;
            string? compileError = null;
            if (errors.All(e => e is null))
            {
                try
                {
                    loaded = VariantCompiler.Compile(g.Declarations, generated);
                    _assemblies.Add(loaded);
                }
                catch (InvalidOperationException ex)
                {
                    if (batch.Count > 1)
                    {
                        return false;
                    }

                    compileError = ex.Message;
                }
            }

            for (int i = 0; i < batch.Count; i++)
            {
                string key = batch[i].ToSource();
                _entries[key] = loaded is not null
                    ? new Entry(loaded.Type(names[i] + ".V"), null, generated[i])
                    : new Entry(null, errors[i] ?? compileError, generated[i]);
            }

            return true;
        }

        public void Dispose()
        {
            foreach (LoadedVariants a in _assemblies)
            {
                a.Dispose();
            }

            _assemblies.Clear();
            _entries.Clear();
        }

        private sealed record Entry(Type? Type, string? Error, string? Generated);
    }
}
