extern alias CheckpointsExample;

using System;
using System.IO;
using Spectre.Console;
using Xunit;
using Program = CheckpointsExample::OptimDsl.Examples.Checkpoints.Program;

namespace OptimDsl.Examples.Tests.Checkpoints
{
    /// <summary>The example end to end on a short run (4 epochs): every section prints, and the continuation it reports is exact.</summary>
    public sealed class ProgramTests
    {
        [Fact]
        public void ShortRun_PrintsAnExactContinuation()
        {
            string folder = Path.Combine(Path.GetTempPath(), "optimdsl-checkpoints-" + Guid.NewGuid().ToString("N"));
            IAnsiConsole previous = AnsiConsole.Console;
            var output = new StringWriter();
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Out = new AnsiConsoleOutput(output),
            });
            console.Profile.Width = 250; // no line breaks inside the sentences checked below
            AnsiConsole.Console = console;
            try
            {
                int exitCode = Program.Main(new[] { "--epochs", "4", "--output", folder });

                string text = output.ToString();
                Assert.Equal(0, exitCode);
                Assert.True(File.Exists(Path.Combine(folder, "training.ckpt")));
                Assert.Contains("max |difference| of the weights = 0 (0 of 4547 weights differ)", text, StringComparison.Ordinal);
                Assert.Contains("4. Inside the checkpoint file", text, StringComparison.Ordinal);
                Assert.Contains("(intact)", text, StringComparison.Ordinal);
            }
            finally
            {
                AnsiConsole.Console = previous;
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }
}
