using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using Xunit;
using Xunit.Sdk;

namespace OptimDsl.PackageTests
{
    /// <summary>The packed <c>OptimDsl</c> package in the temporary feed.</summary>
    internal sealed record PackedPackage(string NupkgPath, string SnupkgPath, CommandResult PackResult);

    /// <summary>
    /// Shared by the tests of <see cref="PackageConsumerTests"/>: a temporary folder outside the repository with
    /// <list type="bullet">
    /// <item><c>feed/</c> – the package, packed once (lazily, on first use) from <c>src/Runtime</c>;</item>
    /// <item><c>nuget.config</c> – adds that feed to the machine's usual sources (TorchSharp comes from those);</item>
    /// <item>empty <c>Directory.Build.props/.targets</c> and <c>Directory.Packages.props</c> that end MSBuild's upward
    /// search, so nothing above the folder (and certainly not this repository's build files) reaches the consumers;
    /// the targets file prints which files were found, which the tests check;</item>
    /// <item>one folder per consumer project.</item>
    /// </list>
    /// The package gets a version no earlier run used (<c>&lt;repo version&gt;-pkgtest.&lt;time&gt;.&lt;id&gt;</c>), so the
    /// consumers restore it from the feed and never a stale copy from the global packages folder (which is kept, so
    /// that TorchSharp's ~1 GB of native libraries is not downloaded again). Dispose removes the folder and that one
    /// version from the global packages folder; set OPTIMDSL_KEEP_PACKAGE_TEST_DIRS=1 to keep them for inspection.
    /// </summary>
    public sealed class PackageFeedFixture : IDisposable
    {
        public const string ReportPrefix = "OPTIMDSL-PACKAGE-TEST";

        private readonly Lazy<PackedPackage> _package;
        private string? _globalPackagesFolder;

        public PackageFeedFixture()
        {
            RepoRoot = FindRepoRoot();
            RuntimeProject = Path.Combine(RepoRoot, "src", "Runtime", "OptimDsl.Runtime.csproj");
            string props = File.ReadAllText(Path.Combine(RepoRoot, "Directory.Build.props"));
            string baseVersion = ReadProperty(props, "Version") ?? "0.1.0";
            TorchSharpVersion = ReadProperty(props, "TorchSharpVersion")
                ?? throw new InvalidOperationException("Directory.Build.props defines no TorchSharpVersion.");

            string stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            string unique = stamp + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            PackageVersion = baseVersion + (baseVersion.Contains('-') ? "." : "-") + "pkgtest." + unique;

            TempRoot = Path.Combine(Path.GetTempPath(), "optimdsl-pkgtest-" + stamp + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            if (IsUnder(TempRoot, RepoRoot))
            {
                throw new InvalidOperationException(
                    $"The temporary folder {TempRoot} lies inside the repository {RepoRoot}; set TMPDIR to a folder outside it.");
            }

            Directory.CreateDirectory(TempRoot);
            FeedDirectory = Directory.CreateDirectory(Path.Combine(TempRoot, "feed")).FullName;
            WriteIsolationFiles();
            _package = new Lazy<PackedPackage>(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public string RepoRoot { get; }
        public string RuntimeProject { get; }
        public string TempRoot { get; }
        public string FeedDirectory { get; }
        public string PackageVersion { get; }
        public string TorchSharpVersion { get; }

        /// <summary>The consumers' target framework: the one this test host runs on (an SDK that can build it is running us).</summary>
        public string ConsumerTargetFramework { get; } = "net" + Environment.Version.Major + ".0";

        /// <summary>Packs on first use; a failed pack fails every test that needs it with the pack's output.</summary>
        internal PackedPackage Package => _package.Value;

        /// <summary>Creates a new project folder under the temporary root with the given files.</summary>
        public string CreateProject(string name, string csproj, string programCs)
        {
            string dir = Path.Combine(TempRoot, name);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, name + ".csproj"), csproj);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), programCs);
            return dir;
        }

        /// <summary>Remembers the global packages folder a consumer restored into (for the clean-up).</summary>
        public void NoteRestore(string projectDirectory)
        {
            string assets = Path.Combine(projectDirectory, "obj", "project.assets.json");
            if (_globalPackagesFolder is not null || !File.Exists(assets)) return;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(assets));
                if (doc.RootElement.TryGetProperty("project", out var project)
                    && project.TryGetProperty("restore", out var restore)
                    && restore.TryGetProperty("packagesPath", out var path))
                {
                    _globalPackagesFolder = path.GetString();
                }
            }
            catch (JsonException)
            {
            }
        }

        public void Dispose()
        {
            if (Environment.GetEnvironmentVariable("OPTIMDSL_KEEP_PACKAGE_TEST_DIRS") == "1") return;
            TryDelete(TempRoot);
            if (_globalPackagesFolder is not null)
            {
                // Only the unique test version this run extracted; other versions are never touched.
                string idFolder = Path.Combine(_globalPackagesFolder, "optimdsl");
                TryDelete(Path.Combine(idFolder, PackageVersion.ToLowerInvariant()));
                try
                {
                    if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any()) Directory.Delete(idFolder);
                }
                catch (IOException)
                {
                }
            }
        }

        private PackedPackage Pack()
        {
            // Restore first, without the test version, so the repository's restore outputs (shared by every
            // configuration) stay as an ordinary build leaves them; then pack with the unique version.
            var restore = DotnetCli.Run(RepoRoot, new[]
            {
                "restore", RuntimeProject, "--nologo", "--interactive", "false", "-tl:off",
            });
            if (!restore.Succeeded) throw new XunitException("Restoring src/Runtime failed.\n" + restore.Describe());

            var pack = DotnetCli.Run(RepoRoot, new[]
            {
                "pack", RuntimeProject, "-c", "Release", "-o", FeedDirectory, "--no-restore", "--nologo",
                "--interactive", "false", "-tl:off", "-p:PackageVersion=" + PackageVersion,
            });
            if (!pack.Succeeded) throw new XunitException("`dotnet pack` of src/Runtime failed.\n" + pack.Describe());

            string nupkg = Path.Combine(FeedDirectory, "OptimDsl." + PackageVersion + ".nupkg");
            string snupkg = Path.ChangeExtension(nupkg, ".snupkg");
            if (!File.Exists(nupkg))
            {
                throw new XunitException($"`dotnet pack` succeeded but {nupkg} is missing; the feed holds: "
                    + string.Join(", ", Directory.GetFiles(FeedDirectory).Select(Path.GetFileName)) + "\n" + pack.Describe());
            }

            return new PackedPackage(nupkg, snupkg, pack);
        }

        private void WriteIsolationFiles()
        {
            const string stop = "  <!-- Ends MSBuild's upward search: no build file above this folder applies to the test consumers. -->\n";
            File.WriteAllText(Path.Combine(TempRoot, "Directory.Build.props"), "<Project>\n" + stop + "</Project>\n");
            File.WriteAllText(Path.Combine(TempRoot, "Directory.Packages.props"), "<Project>\n" + stop + "</Project>\n");
            File.WriteAllText(Path.Combine(TempRoot, "Directory.Build.targets"),
                "<Project>\n" + stop +
                "  <Target Name=\"OptimDslPackageTestReport\" BeforeTargets=\"CoreCompile\">\n" +
                $"    <Message Importance=\"high\" Text=\"{ReportPrefix} DirectoryBuildPropsPath=$(DirectoryBuildPropsPath)\" />\n" +
                $"    <Message Importance=\"high\" Text=\"{ReportPrefix} DirectoryBuildTargetsPath=$(DirectoryBuildTargetsPath)\" />\n" +
                $"    <Message Importance=\"high\" Text=\"{ReportPrefix} NativeFixImported=$(_OptimDslNativeFixImported)\" />\n" +
                "  </Target>\n" +
                "</Project>\n");

            // No <clear/>: the machine's configured sources (where TorchSharp comes from) stay, the feed is added.
            File.WriteAllText(Path.Combine(TempRoot, "nuget.config"),
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
                "<configuration>\n" +
                "  <packageSources>\n" +
                $"    <add key=\"optimdsl-package-test-feed\" value=\"{System.Security.SecurityElement.Escape(FeedDirectory)}\" />\n" +
                "  </packageSources>\n" +
                "</configuration>\n");
        }

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OptimDsl.sln"))
                    && File.Exists(Path.Combine(dir.FullName, "src", "Runtime", "OptimDsl.Runtime.csproj")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Could not find the repository root (OptimDsl.sln) above " + AppContext.BaseDirectory);
        }

        private static string? ReadProperty(string xml, string name)
        {
            var m = Regex.Match(xml, "<" + name + @">\s*([^<\s]+)\s*</" + name + ">");
            return m.Success ? m.Groups[1].Value : null;
        }

        internal static bool IsUnder(string path, string root)
        {
            string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            string prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            return full.StartsWith(prefix, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }

        private static void TryDelete(string dir)
        {
            for (int attempt = 0; attempt < 3 && Directory.Exists(dir); attempt++)
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    Thread.Sleep(500);
                }
                catch (UnauthorizedAccessException)
                {
                    Thread.Sleep(500);
                }
            }
        }
    }
}
