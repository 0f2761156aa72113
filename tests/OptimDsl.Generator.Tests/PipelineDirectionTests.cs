using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// The generator is a pipeline of stages — parse, validate, plan and lower, emit — over shared folders (the parsed
    /// model, the argument list, naming, diagnostics): no source file of a stage names a later stage's namespace.
    /// </summary>
    public class PipelineDirectionTests
    {
        // In pipeline order; a folder may use its own stage and every earlier one. The shared folders come first.
        private static readonly string[][] Stages =
        {
            new[] { "Model", "Diagnostics", "Naming", "Arguments" },
            new[] { "Parsing" },
            new[] { "Validation" },
            new[] { "Planning", "Lowering" },
            new[] { "Emission" },
        };

        [Fact]
        public void No_stage_refers_to_a_later_stage()
        {
            string generator = Path.Combine(TestPaths.RepositoryRoot, "src", "Generator");
            var problems = new List<string>();
            for (int stage = 0; stage < Stages.Length - 1; stage++)
            {
                string[] later = Stages.Skip(stage + 1).SelectMany(s => s).ToArray();
                var reference = new Regex(@"\bOptimDsl\.Generator\.(" + string.Join("|", later) + @")\b");
                foreach (string folder in Stages[stage])
                {
                    foreach (string file in Directory.EnumerateFiles(Path.Combine(generator, folder), "*.cs", SearchOption.AllDirectories))
                    {
                        foreach (Match m in reference.Matches(File.ReadAllText(file)))
                        {
                            problems.Add(folder + "/" + Path.GetFileName(file) + " refers to " + m.Value);
                        }
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void Every_folder_of_the_generator_has_its_place_in_the_pipeline()
        {
            string generator = Path.Combine(TestPaths.RepositoryRoot, "src", "Generator");
            string[] placed = Stages.SelectMany(s => s).Concat(new[] { "Analyzers", "CodeFixes", "bin", "obj" }).ToArray();
            string[] unplaced = Directory.GetDirectories(generator).Select(Path.GetFileName).Where(d => !placed.Contains(d)).ToArray()!;
            Assert.True(unplaced.Length == 0, "not placed in the pipeline: " + string.Join(", ", unplaced));
        }
    }
}
