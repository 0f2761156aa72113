using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace OptimDsl.PackageTests
{
    /// <summary>
    /// Issue 6: `dotnet pack` of src/Runtime gives the one package a user adds with `dotnet add package OptimDsl`,
    /// and brand-new projects outside the repository can declare, build and run optimizers from it, with the
    /// generator's diagnostics and the TorchSharp native-load fix (buildTransitive) reaching them.
    /// </summary>
    public sealed class PackageConsumerTests : IClassFixture<PackageFeedFixture>
    {
        private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

        private readonly PackageFeedFixture _feed;
        private readonly ITestOutputHelper _log;

        public PackageConsumerTests(PackageFeedFixture feed, ITestOutputHelper log)
        {
            _feed = feed;
            _log = log;
        }

        [Fact]
        public void Package_holds_runtime_attributes_generator_build_assets_and_depends_on_TorchSharp_and_System_IO_Hashing_only()
        {
            var package = _feed.Package;
            _log.WriteLine($"packed {Path.GetFileName(package.NupkgPath)} in {package.PackResult.Elapsed.TotalSeconds:F1} s");

            List<string> entries;
            XDocument nuspec;
            string transitiveTargets;
            using (var zip = ZipFile.OpenRead(package.NupkgPath))
            {
                entries = zip.Entries.Select(e => e.FullName).Where(n => !n.EndsWith("/", StringComparison.Ordinal)).ToList();
                using (var s = zip.GetEntry("OptimDsl.nuspec")!.Open()) nuspec = XDocument.Load(s);
                using (var r = new StreamReader(zip.GetEntry("buildTransitive/OptimDsl.targets")?.Open() ?? Stream.Null)) transitiveTargets = r.ReadToEnd();
            }

            string layout = "package entries:\n  " + string.Join("\n  ", entries.OrderBy(e => e, StringComparer.Ordinal));
            _log.WriteLine(layout);

            string[] required =
            {
                "lib/net8.0/OptimDsl.Runtime.dll",
                "lib/net8.0/OptimDsl.Runtime.xml",
                "lib/net8.0/OptimDsl.Dsl.dll",
                "lib/net8.0/OptimDsl.Dsl.xml",
                "analyzers/dotnet/cs/OptimDsl.Generator.dll",
                "analyzers/dotnet/cs/OptimDsl.CodeFixes.dll",
                "build/OptimDsl.targets",
                "build/OptimDsl.NativeFix.targets",
                "buildTransitive/OptimDsl.targets",
                "PACKAGE.md",
            };
            var missing = required.Where(r => !entries.Contains(r)).ToList();
            Assert.True(missing.Count == 0, "missing from the package: " + string.Join(", ", missing) + "\n" + layout);

            // Every assembly is where it belongs, and nothing else ships.
            var dlls = entries.Where(e => e.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e, StringComparer.Ordinal);
            Assert.Equal(
                new[]
                {
                    "analyzers/dotnet/cs/OptimDsl.CodeFixes.dll", "analyzers/dotnet/cs/OptimDsl.Generator.dll",
                    "lib/net8.0/OptimDsl.Dsl.dll", "lib/net8.0/OptimDsl.Runtime.dll",
                },
                dlls);
            Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)); // symbols go to the .snupkg

            // buildTransitive/OptimDsl.targets imports ../build/OptimDsl.NativeFix.targets: that path must exist in the package.
            var import = Regex.Match(transitiveTargets, @"<Import\s+Project=""\$\(MSBuildThisFileDirectory\)([^""]+)""");
            Assert.True(import.Success, "buildTransitive/OptimDsl.targets has no import:\n" + transitiveTargets);
            string resolved = ResolveInPackage("buildTransitive/", import.Groups[1].Value);
            Assert.Equal("build/OptimDsl.NativeFix.targets", resolved);

            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("OptimDsl", metadata.Element(ns + "id")?.Value);
            Assert.Equal(_feed.PackageVersion, metadata.Element(ns + "version")?.Value);
            var license = metadata.Element(ns + "license");
            Assert.Equal("expression", license?.Attribute("type")?.Value);
            Assert.Equal("MIT", license?.Value);
            Assert.Equal("PACKAGE.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));

            var dependencies = metadata.Descendants(ns + "dependency")
                .Select(d => (Id: d.Attribute("id")?.Value, Version: d.Attribute("version")?.Value, Tfm: d.Parent?.Attribute("targetFramework")?.Value))
                .ToList();
            // TorchSharp (no backend: the consumer picks it) and System.IO.Hashing (the checkpoints' XxHash64); no OptimDsl.Dsl.
            Assert.True(
                dependencies.Count == 2 && dependencies.All(d => d.Tfm == "net8.0")
                && dependencies.Any(d => d.Id == "TorchSharp" && d.Version == _feed.TorchSharpVersion)
                && dependencies.Any(d => d.Id == "System.IO.Hashing" && d.Version == HashingVersion()),
                $"expected two dependencies, TorchSharp {_feed.TorchSharpVersion} and System.IO.Hashing {HashingVersion()}, got: "
                + string.Join(", ", dependencies.Select(d => $"{d.Id} {d.Version} ({d.Tfm})")));

            Assert.True(File.Exists(package.SnupkgPath), "no symbols package next to the package: " + package.SnupkgPath);
            using (var symbols = ZipFile.OpenRead(package.SnupkgPath))
            {
                var pdbs = symbols.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)).ToList();
                _log.WriteLine("symbols package: " + string.Join(", ", pdbs));
                Assert.Contains("lib/net8.0/OptimDsl.Runtime.pdb", pdbs);
                Assert.Contains("lib/net8.0/OptimDsl.Dsl.pdb", pdbs);
            }
        }

        [Fact]
        public void New_variant_declared_in_a_fresh_project_builds_from_the_package_and_trains()
        {
            _ = _feed.Package;
            string dir = _feed.CreateProject("VariantConsumer", ConsumerProject(backend: true), VariantProgram);

            // What a user types: one `dotnet add package OptimDsl` (the backend, TorchSharp-cpu, is already in the project).
            var add = Step(dir, "add", "package", "OptimDsl", "--version", _feed.PackageVersion);
            _feed.NoteRestore(dir);
            Assert.True(add.Succeeded, "`dotnet add package OptimDsl` failed.\n" + add.Describe());

            var build = Step(dir, "build", "--nologo", "--interactive", "false", "-tl:off");
            _feed.NoteRestore(dir);
            Assert.True(build.Succeeded, "Building the consumer project failed.\n" + build.Describe());
            AssertIsolatedFromRepository(dir, build);
            AssertAnalyzersLoaded(build);

            var run = Step(dir, "run", "--no-build");
            Assert.True(run.Succeeded,
                "Running the consumer failed (exit code != 0). If TorchSharp could not load its native library, the package's "
                + "buildTransitive native fix did not reach the consumer.\n" + run.Describe() + "\n\nThe build said:\n" + build.Describe(6000));

            double first = ReadLoss(run, "FIRST_LOSS"), last = ReadLoss(run, "LAST_LOSS");
            Assert.True(double.IsFinite(first) && double.IsFinite(last) && last < first,
                $"the loss did not decrease: first {first}, last {last}.\n" + run.Describe());
            _log.WriteLine($"loss {first:G6} -> {last:G6}");
            Assert.True(run.Output.Contains("CHECKPOINT=ok", StringComparison.Ordinal), "the checkpoint round trip or its corruption check failed.\n" + run.Describe());
        }

        [Fact]
        public void Invalid_declarations_in_a_fresh_project_fail_the_build_with_diagnostics_at_their_lines()
        {
            _ = _feed.Package;
            string dir = _feed.CreateProject("InvalidConsumer", ConsumerProject(backend: false, optimDslVersion: _feed.PackageVersion), InvalidProgram);
            string program = Path.Combine(dir, "Program.cs");

            var build = Step(dir, "build", "--nologo", "--interactive", "false", "-tl:off");
            _feed.NoteRestore(dir);
            Assert.False(build.Succeeded, "The build of invalid declarations succeeded.\n" + build.Describe());
            Assert.False(build.TimedOut, build.Describe());
            AssertIsolatedFromRepository(dir, build);
            AssertAnalyzersLoaded(build);

            var diagnostics = Regex.Matches(build.Output,
                    @"^\s*(?<file>[^\r\n]+?)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\): error (?<id>ODSL\d{4}):", RegexOptions.Multiline)
                .Select(m => (File: m.Groups["file"].Value, Line: int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
                    Col: int.Parse(m.Groups["col"].Value, CultureInfo.InvariantCulture), Id: m.Groups["id"].Value))
                .Distinct()
                .ToList();

            AssertDiagnosticAt("ODSL0001", "NotPartial", "public class NotPartial");
            AssertDiagnosticAt("ODSL0006", "FirstMoment(Beta = 1.5)", "[FirstMoment(Beta = 1.5)]");

            void AssertDiagnosticAt(string id, string spanText, string lineText)
            {
                var (line, startCol, endCol) = Locate(InvalidProgram, lineText, spanText);
                var found = diagnostics.Where(d => d.Id == id).ToList();
                Assert.True(found.Count > 0, $"no `error {id}` in the build output.\n" + build.Describe());
                Assert.True(
                    found.Any(d => SamePath(d.File, program) && d.Line == line && d.Col >= startCol && d.Col <= endCol),
                    $"{id} expected at Program.cs line {line}, column {startCol}-{endCol} (`{spanText}`); reported at: "
                    + string.Join("; ", found.Select(d => $"{d.File}({d.Line},{d.Col})")) + "\n" + build.Describe());
            }
        }

        private CommandResult Step(string dir, params string[] args)
        {
            var result = DotnetCli.Run(dir, args, StepTimeout);
            _log.WriteLine($"{result.CommandLine}: {(result.TimedOut ? "timed out" : "exit " + result.ExitCode)} in {result.Elapsed.TotalSeconds:F1} s");
            return result;
        }

        /// <summary>
        /// The consumer saw no build file of this repository (the isolation files at the temporary root are the ones
        /// MSBuild found), and the native fix it imported is the package's, through its buildTransitive targets.
        /// </summary>
        private void AssertIsolatedFromRepository(string dir, CommandResult build)
        {
            string Reported(string name)
            {
                var m = Regex.Match(build.Output, Regex.Escape(PackageFeedFixture.ReportPrefix + " " + name + "=") + @"([^\r\n]*)");
                Assert.True(m.Success, $"the build did not report {name} (was the temporary Directory.Build.targets used?).\n" + build.Describe());
                return m.Groups[1].Value.Trim();
            }

            foreach (string name in new[] { "DirectoryBuildPropsPath", "DirectoryBuildTargetsPath" })
            {
                string path = Reported(name);
                Assert.True(path.Length > 0 && SamePath(Path.GetDirectoryName(path) ?? "", _feed.TempRoot) && !PackageFeedFixture.IsUnder(path, _feed.RepoRoot),
                    $"{name} = '{path}': the consumer must only see the temporary root's isolation files.\n" + build.Describe());
            }

            Assert.True(Reported("NativeFixImported") == "true", "OptimDsl.NativeFix.targets was not imported into the consumer.\n" + build.Describe());

            string nugetTargets = Path.Combine(dir, "obj", Path.GetFileName(dir) + ".csproj.nuget.g.targets");
            string text = File.Exists(nugetTargets) ? File.ReadAllText(nugetTargets) : "(missing)";
            string expected = "optimdsl/" + _feed.PackageVersion.ToLowerInvariant() + "/buildTransitive/OptimDsl.targets";
            Assert.True(text.Contains(expected, StringComparison.Ordinal),
                $"NuGet did not import the package's buildTransitive targets ({expected}) into the consumer; {nugetTargets}:\n{text}");
        }

        /// <summary>
        /// The package's analyzer assemblies loaded and the generator ran without crashing: the compiler reports those
        /// problems as warnings (CS8032/CS8034 cannot load or instantiate, CS8784/CS8785 generator failed, AD0001 analyzer
        /// crashed) that would otherwise leave a consumer silently without generated code; ODSL9999 is the generator's own.
        /// </summary>
        private static void AssertAnalyzersLoaded(CommandResult build)
        {
            var problems = Regex.Matches(build.Output, @"^.*\b(?:warning|error) (?:CS8032|CS8034|CS8784|CS8785|AD0001|ODSL9999)\b.*$", RegexOptions.Multiline)
                .Select(m => m.Value.Trim()).Distinct().ToList();
            Assert.True(problems.Count == 0, "the package's analyzers did not load or run cleanly:\n" + string.Join("\n", problems) + "\n" + build.Describe());
        }

        private static double ReadLoss(CommandResult run, string name)
        {
            var m = Regex.Match(run.Output, "^" + name + @"=(\S+)\s*$", RegexOptions.Multiline);
            Assert.True(m.Success, $"the program printed no {name}=...\n" + run.Describe());
            return double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private static (int Line, int StartCol, int EndCol) Locate(string source, string lineText, string spanText)
        {
            string[] lines = source.Replace("\r\n", "\n").Split('\n');
            int index = Array.FindIndex(lines, l => l.Contains(lineText, StringComparison.Ordinal));
            if (index < 0) throw new InvalidOperationException("test source has no line with " + lineText);
            int col = lines[index].IndexOf(spanText, StringComparison.Ordinal) + 1;
            return (index + 1, col, col + spanText.Length - 1);
        }

        private static bool SamePath(string a, string b) =>
            string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar),
                OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        /// <summary>The System.IO.Hashing version src/Runtime references (what the package must depend on).</summary>
        private string HashingVersion()
        {
            var match = Regex.Match(File.ReadAllText(_feed.RuntimeProject), @"<PackageReference\s+Include=""System\.IO\.Hashing""\s+Version=""([^""]+)""");
            Assert.True(match.Success, "src/Runtime references no System.IO.Hashing package");
            return match.Groups[1].Value;
        }

        private static string ResolveInPackage(string folder, string relative)
        {
            var parts = new List<string>(folder.Split('/', StringSplitOptions.RemoveEmptyEntries));
            foreach (string part in relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
                else if (part != ".") parts.Add(part);
            }

            return string.Join("/", parts);
        }

        private string ConsumerProject(bool backend, string? optimDslVersion = null) =>
            "<Project Sdk=\"Microsoft.NET.Sdk\">\n" +
            "  <PropertyGroup>\n" +
            "    <OutputType>Exe</OutputType>\n" +
            $"    <TargetFramework>{_feed.ConsumerTargetFramework}</TargetFramework>\n" +
            "    <Nullable>enable</Nullable>\n" +
            "    <ImplicitUsings>disable</ImplicitUsings>\n" +
            "    <!-- no vulnerability look-ups: keeps restore fast and quiet -->\n" +
            "    <NuGetAudit>false</NuGetAudit>\n" +
            "  </PropertyGroup>\n" +
            "  <ItemGroup>\n" +
            (optimDslVersion is null ? "" : $"    <PackageReference Include=\"OptimDsl\" Version=\"{optimDslVersion}\" />\n") +
            (backend ? $"    <PackageReference Include=\"TorchSharp-cpu\" Version=\"{_feed.TorchSharpVersion}\" />\n" : "") +
            "  </ItemGroup>\n" +
            "</Project>\n";

        // A variant that is not in the catalog: decoupled weight decay + critical momenta + SM3 second moment.
        private const string VariantProgram = """
            using System;
            using OptimDsl;
            using TorchSharp;
            using static TorchSharp.torch;

            torch.manual_seed(20240611);
            var model = nn.Linear(4, 1);
            var optimizer = new MyVariant(model.parameters(), lr: 0.05);
            using var x = torch.randn(64, 4);
            using var w = torch.tensor(new float[] { 1f, -2f, 3f, 0.5f }).reshape(4, 1);
            using var y = x.matmul(w) + 0.25f;
            double first = double.NaN, last = double.NaN;
            for (int step = 0; step < 25; step++)
            {
                optimizer.zero_grad();
                using var prediction = model.forward(x);
                using var loss = nn.functional.mse_loss(prediction, y);
                loss.backward();
                optimizer.step();
                double value = loss.item<float>();
                if (step == 0) first = value;
                last = value;
                Console.WriteLine($"step {step,2}: loss {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
            }

            Console.WriteLine("FIRST_LOSS=" + first.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine("LAST_LOSS=" + last.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

            // A checkpoint (its checksum comes from the package's System.IO.Hashing dependency) restores the state; a damaged one fails.
            string path = System.IO.Path.GetTempFileName();
            optimizer.save_state_dict(path);
            var restored = new MyVariant(model.parameters(), lr: 0.05);
            restored.load_state_dict(path);
            byte[] bytes = System.IO.File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 1;
            System.IO.File.WriteAllBytes(path, bytes);
            try
            {
                restored.load_state_dict(path);
                Console.WriteLine("CHECKPOINT=damaged checkpoint loaded");
            }
            catch (System.IO.InvalidDataException e)
            {
                Console.WriteLine("CHECKPOINT=" + (e.Message.Contains("corrupt") ? "ok" : e.Message));
            }

            System.IO.File.Delete(path);
            return 0;

            [Optimizer(Lr = 0.01)]
            [WeightDecay(Mode = WeightDecayMode.Decoupled, Default = 0.01)]
            [FirstMoment(Beta = 0.9)]
            [CriticalBuffer(Source = CriticalSource.Momentum, TopC = 3)]
            [SM3]
            [Epsilon(1e-30, Placement = EpsilonPlacement.InsideSqrt)]
            public sealed partial class MyVariant { }

            """;

        private const string InvalidProgram = """
            using OptimDsl;

            System.Console.WriteLine("this program must not build");

            [Optimizer]
            public class NotPartial { }

            [Optimizer]
            [FirstMoment(Beta = 1.5)]
            public sealed partial class BetaOutOfRange { }

            """;
    }
}
