using System;
using System.Globalization;
using System.Reflection;
using Spectre.Console;

namespace OptimDsl.Examples.Shared
{
    /// <summary>
    /// What Landscapes and Compare do alike around their command lines: invariant-culture output, a wide enough table when
    /// the output is redirected, the optimizer registry of the example's assembly, the list of optimizers, and errors.
    /// </summary>
    public static class CommandLineHost
    {
        /// <summary>Invariant-culture formatting; <paramref name="width"/> columns for tables when the output is redirected.</summary>
        /// <param name="width">The table width to assume without a terminal (Spectre.Console would assume 80).</param>
        public static void ConfigureConsole(int width)
        {
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            if (Console.IsOutputRedirected)
            {
                AnsiConsole.Profile.Width = width;
            }
        }

        /// <summary>
        /// The catalog and every optimizer declared in <paramref name="assembly"/> (examples/Shared/Declared is compiled into
        /// it), or null after printing the error when two of them share a name.
        /// </summary>
        /// <param name="assembly">The example's assembly.</param>
        public static OptimizerRegistry? LoadRegistry(Assembly assembly)
        {
            try
            {
                return OptimizerRegistry.CatalogAndDeclaredIn(assembly);
            }
            catch (DuplicateOptimizerNameException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return null;
            }
        }

        /// <summary>Prints every optimizer of <paramref name="registry"/>: name, origin and arguments. Returns exit code 0.</summary>
        /// <param name="registry">The registry.</param>
        public static int ListOptimizers(OptimizerRegistry registry)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("name").AddColumn("from").AddColumn("arguments");
            foreach (OptimizerEntry entry in registry.Entries)
            {
                table.AddRow(Markup.Escape(entry.Name), Markup.Escape(entry.Origin), Markup.Escape(string.Join(", ", entry.ArgumentNames)));
            }

            AnsiConsole.Write(table);
            return 0;
        }

        /// <summary>Prints a usage error and returns exit code 2.</summary>
        /// <param name="message">What was wrong.</param>
        public static int Fail(string message)
        {
            Console.Error.WriteLine($"error: {message}");
            Console.Error.WriteLine("Run with --help for the options.");
            return 2;
        }
    }
}
