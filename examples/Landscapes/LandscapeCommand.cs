using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;

namespace OptimDsl.Examples.Landscapes
{
    /// <summary>The command line of the example (System.CommandLine): options, their help, and their parsing into <see cref="LandscapeOptions"/>.</summary>
    internal static class LandscapeCommand
    {
        /// <summary>
        /// The root command; <paramref name="run"/> receives the parsed options (or null with the message of an invalid
        /// value) and returns the exit code.
        /// </summary>
        public static RootCommand Create(Func<LandscapeOptions, int> run, Func<string, int> fail, Func<int> listOptimizers)
        {
            var function = new Option<string[]>("--function")
            {
                Description = "Function to run: goldstein-price (Figure 1), ackley (Figures 2 and 4) or flat-sharp (Figure 5). " +
                              "Repeatable; default: all three.",
                HelpName = "NAME",
            };
            function.AcceptOnlyFromAmong(LandscapeOptions.AllFunctions.ToArray());

            var optimizer = new Option<string[]>("--optimizer")
            {
                Description = "Optimizer to run, by class name: any of the OptimDsl catalog (namespace OptimDsl.Optimizers) or " +
                              "declared with the DSL in examples/Shared/Declared (see --list-optimizers). Repeatable; default: " +
                              string.Join(", ", ExperimentSettings.DefaultOptimizers) + ".",
                HelpName = "NAME",
            };
            var list = new Option<bool>("--list-optimizers") { Description = "Print every optimizer name with its arguments, and exit." };
            var lr = new Option<double?>("--lr")
            {
                Description = $"Learning rate of every optimizer (default: {Format.Number(GoldsteinPriceExperiment.DefaultLearningRate)} " +
                              $"for Goldstein–Price, {Format.Number(AckleyExperiment.DefaultLearningRate)} for Ackley, " +
                              $"{Format.Number(FlatSharpExperiment.DefaultLearningRate)} for flat-sharp).",
            };
            var steps = new Option<int?>("--steps")
            {
                Description = $"Optimizer steps per run (default: {GoldsteinPriceExperiment.DefaultSteps} for Goldstein–Price, " +
                              $"{AckleyExperiment.DefaultSteps} for Ackley, {FlatSharpExperiment.DefaultSteps} for flat-sharp).",
            };
            var init = new Option<string[]>("--init")
            {
                Description = "Initial point x,y (x alone for flat-sharp); repeatable; needs exactly one --function. Default: the " +
                              "figure's points (Goldstein–Price: (±1.5, ±1.5); Ackley: one random point per seed; flat-sharp: " +
                              "-0.5, 0.25, 0.5, 1, 1.5, 2).",
                HelpName = "x,y",
            };
            var seeds = new Option<int?>("--seeds")
            {
                Description = $"Ackley: number of seeds, each a random initial point, uniform in [-{Format.Number(AckleyExperiment.InitialHalfWidth)}, " +
                              $"{Format.Number(AckleyExperiment.InitialHalfWidth)}]² at least {Format.Number(AckleyExperiment.InitialMinimumRadius)} " +
                              $"from the origin (default: {AckleyExperiment.DefaultSeeds}). Ignored with --init.",
                HelpName = "N",
            };
            var sharpness = new Option<double[]>("--sharpness")
            {
                Description = "flat-sharp: sharpness s ≥ 1 of a grid column (the sharp well is s times narrower); repeatable; " +
                              "default: " + string.Join(", ", FlatSharpExperiment.DefaultSharpness.Select(s => Format.Number(s))) + ".",
                HelpName = "s",
            };
            var topC = new Option<int?>("--topC")
            {
                Description = $"Critical-buffer size (default: {ExperimentSettings.DefaultTopC}). Applies only to the optimizers " +
                              "that have a topC argument (critical gradients/momenta); the others ignore it.",
                HelpName = "C",
            };
            var decay = new Option<double?>("--decay")
            {
                Description = $"Priority decay of the critical buffer, in (0, 1] (default: {Format.Number(ExperimentSettings.DefaultDecay)}). " +
                              "Applies only to the optimizers that have a decay argument; the others ignore it.",
            };
            var output = new Option<string>("--out")
            {
                Description = "Output folder for the PNG figures and results.json (created if missing).",
                HelpName = "DIR",
                DefaultValueFactory = _ => "landscapes-output",
            };

            var command = new RootCommand(
                "Toy experiments of the Adam+CM paper (Malviya et al., TMLR 2024) in float64 with OptimDsl optimizers: " +
                "trajectories on Goldstein–Price (Figure 1), Ackley (Figures 2 and 4) and a flat/sharp 1D function (Figure 5). " +
                "Writes PNG figures and DIR/results.json (one record per run) and prints tables. With no option it makes every figure.")
            {
                function, optimizer, list, lr, steps, init, seeds, sharpness, topC, decay, output,
            };

            command.SetAction(parsed =>
            {
                if (parsed.GetValue(list)) return listOptimizers();

                string[] functions = parsed.GetValue(function) ?? Array.Empty<string>();
                string[] inits = parsed.GetValue(init) ?? Array.Empty<string>();
                var points = new List<double[]>();
                try
                {
                    points.AddRange(inits.Select(PointParser.Parse));
                }
                catch (FormatException ex)
                {
                    return fail($"--init: {ex.Message}");
                }

                if (points.Count > 0 && functions.Distinct().Count() != 1)
                {
                    return fail("--init needs exactly one --function (the functions take different points).");
                }

                int dimensions = functions.FirstOrDefault() == "flat-sharp" ? 1 : 2;
                if (points.Any(p => p.Length != dimensions))
                {
                    return fail($"--init: {functions.First()} takes {(dimensions == 1 ? "one coordinate (x)" : "two coordinates (x,y)")}.");
                }

                double? rate = parsed.GetValue(lr);
                int? stepCount = parsed.GetValue(steps);
                int? seedCount = parsed.GetValue(seeds);
                int? size = parsed.GetValue(topC);
                double[] columns = parsed.GetValue(sharpness) ?? Array.Empty<double>();
                if (rate is not null && !(rate > 0 && double.IsFinite(rate.Value))) return fail("--lr must be a positive number.");
                if (stepCount is not null && stepCount < 1) return fail("--steps must be at least 1.");
                if (seedCount is not null && seedCount < 1) return fail("--seeds must be at least 1.");
                if (size is not null && size < 1) return fail("--topC must be at least 1.");
                if (columns.Any(s => !(s >= 1) || double.IsInfinity(s))) return fail("--sharpness values must be finite numbers ≥ 1.");

                return run(new LandscapeOptions(
                    functions.Length == 0 ? LandscapeOptions.AllFunctions : functions.Distinct().ToArray(),
                    parsed.GetValue(optimizer) ?? Array.Empty<string>(),
                    rate,
                    stepCount,
                    points,
                    seedCount,
                    columns,
                    size,
                    parsed.GetValue(decay),
                    parsed.GetValue(output)!));
            });
            return command;
        }
    }
}
