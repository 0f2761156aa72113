using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Quickstart
{
    /// <summary>A classification data set already split into train and test tensors (features float32, labels int64).</summary>
    internal sealed class Dataset : IDisposable
    {
        public Dataset(string name, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, int classes)
        {
            Name = name;
            TrainX = trainX;
            TrainY = trainY;
            TestX = testX;
            TestY = testY;
            Classes = classes;
        }

        public string Name { get; }

        public Tensor TrainX { get; }

        public Tensor TrainY { get; }

        public Tensor TestX { get; }

        public Tensor TestY { get; }

        public int Classes { get; }

        public int Features => (int)TrainX.shape[1];

        public long TrainCount => TrainX.shape[0];

        public long TestCount => TestX.shape[0];

        public void Dispose()
        {
            TrainX.Dispose();
            TrainY.Dispose();
            TestX.Dispose();
            TestY.Dispose();
        }
    }

    /// <summary>
    /// The embedded data set: interleaved two-dimensional spirals (one arm per class, CS231n style), generated from a
    /// seed with <see cref="System.Random"/> only, so the same seed gives the same points on every machine.
    /// </summary>
    internal static class Spirals
    {
        public static Dataset Create(int classes = 3, int pointsPerClass = 500, double noise = 0.2, double testFraction = 0.2, int seed = 7)
        {
            var random = new Random(seed);
            int n = classes * pointsPerClass;
            var xs = new float[n * 2];
            var ys = new long[n];
            for (int k = 0; k < classes; k++)
            {
                for (int i = 0; i < pointsPerClass; i++)
                {
                    int row = k * pointsPerClass + i;
                    double r = (double)i / (pointsPerClass - 1);
                    double t = 4.0 * k + 4.0 * r + noise * Gaussian(random);
                    xs[2 * row] = (float)(r * Math.Sin(t));
                    xs[2 * row + 1] = (float)(r * Math.Cos(t));
                    ys[row] = k;
                }
            }

            // Fisher-Yates shuffle, then the first (1 - testFraction) of the points train and the rest test.
            var order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            for (int i = n - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            int trainCount = (int)Math.Round(n * (1 - testFraction));
            (Tensor x, Tensor y) Take(int start, int count)
            {
                var fx = new float[count * 2];
                var fy = new long[count];
                for (int i = 0; i < count; i++)
                {
                    int src = order[start + i];
                    fx[2 * i] = xs[2 * src];
                    fx[2 * i + 1] = xs[2 * src + 1];
                    fy[i] = ys[src];
                }

                return (torch.tensor(fx, new long[] { count, 2 }), torch.tensor(fy, new long[] { count }));
            }

            var (trainX, trainY) = Take(0, trainCount);
            var (testX, testY) = Take(trainCount, n - trainCount);
            return new Dataset($"{classes}-class spirals ({n} points, seed {seed})", trainX, trainY, testX, testY, classes);
        }

        private static double Gaussian(Random random)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }

    /// <summary>
    /// Reads Fashion-MNIST (or MNIST) from the four IDX files in a directory, gzipped (<c>*.gz</c>, as the Debian package
    /// <c>dataset-fashion-mnist</c> installs them under <c>/usr/share/datasets/fashion-mnist</c>) or plain. Nothing is
    /// downloaded.
    /// </summary>
    internal static class FashionMnist
    {
        public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

        private const int ImagesMagic = 0x00000803;
        private const int LabelsMagic = 0x00000801;

        public static Dataset Load(string directory)
        {
            if (!Directory.Exists(directory))
            {
                throw new DataSetException($"The directory '{directory}' does not exist.");
            }

            string trainImages = Find(directory, "train", "images", "idx3");
            string trainLabels = Find(directory, "train", "labels", "idx1");
            string testImages = Find(directory, "t10k", "images", "idx3");
            string testLabels = Find(directory, "t10k", "labels", "idx1");

            var (trainX, rows, cols) = ReadImages(trainImages);
            var trainY = ReadLabels(trainLabels, trainX.Length / (rows * cols));
            var (testX, testRows, testCols) = ReadImages(testImages);
            if (testRows != rows || testCols != cols)
            {
                throw new DataSetException($"'{testImages}' has {testRows}x{testCols} images but '{trainImages}' has {rows}x{cols}.");
            }

            var testY = ReadLabels(testLabels, testX.Length / (rows * cols));
            int classes = 0;
            foreach (long label in trainY) classes = Math.Max(classes, (int)label + 1);

            int features = rows * cols;
            return new Dataset(
                $"IDX images from {directory} ({trainY.Length} train, {testY.Length} test, {rows}x{cols})",
                Normalize(trainX, features),
                torch.tensor(trainY, new long[] { trainY.Length }),
                Normalize(testX, features),
                torch.tensor(testY, new long[] { testY.Length }),
                classes);
        }

        /// <summary>Pixels as float32 in [0, 1], standardized with the training-set statistics of Fashion-MNIST.</summary>
        private static Tensor Normalize(byte[] pixels, int features)
        {
            const float mean = 0.2860f;
            const float std = 0.3530f;
            var values = new float[pixels.Length];
            for (int i = 0; i < pixels.Length; i++) values[i] = (pixels[i] / 255f - mean) / std;
            return torch.tensor(values, new long[] { pixels.Length / features, features });
        }

        private static string Find(string directory, string split, string kind, string idx)
        {
            // Fashion-MNIST names its files train-images-idx3-ubyte(.gz); the original MNIST uses train-images.idx3-ubyte.
            var candidates = new List<string>();
            foreach (string separator in new[] { "-", "." })
            {
                string name = $"{split}-{kind}{separator}{idx}-ubyte";
                candidates.Add(name + ".gz");
                candidates.Add(name);
            }

            foreach (string name in candidates)
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path)) return path;
            }

            throw new DataSetException(
                $"'{directory}' has no {split} {kind} file (looked for {string.Join(", ", candidates)}).");
        }

        private static Stream Open(string path)
        {
            Stream file = File.OpenRead(path);
            return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16)
                : file;
        }

        private static (byte[] Pixels, int Rows, int Cols) ReadImages(string path)
        {
            try
            {
                using Stream stream = Open(path);
                int magic = ReadBigEndian(stream);
                if (magic != ImagesMagic)
                {
                    throw new DataSetException($"'{path}' is not an IDX image file (magic 0x{magic:x8}, expected 0x{ImagesMagic:x8}).");
                }

                int count = ReadBigEndian(stream);
                int rows = ReadBigEndian(stream);
                int cols = ReadBigEndian(stream);
                if (count <= 0 || rows <= 0 || cols <= 0 || (long)count * rows * cols > int.MaxValue)
                {
                    throw new DataSetException($"'{path}' has an invalid header ({count} images of {rows}x{cols}).");
                }

                var pixels = new byte[count * rows * cols];
                stream.ReadExactly(pixels);
                return (pixels, rows, cols);
            }
            catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
            {
                throw new DataSetException($"'{path}' is truncated or not a valid (gzipped) IDX file: {ex.Message}");
            }
        }

        private static long[] ReadLabels(string path, int expectedCount)
        {
            try
            {
                using Stream stream = Open(path);
                int magic = ReadBigEndian(stream);
                if (magic != LabelsMagic)
                {
                    throw new DataSetException($"'{path}' is not an IDX label file (magic 0x{magic:x8}, expected 0x{LabelsMagic:x8}).");
                }

                int count = ReadBigEndian(stream);
                if (count != expectedCount)
                {
                    throw new DataSetException($"'{path}' has {count} labels but its image file has {expectedCount} images.");
                }

                var bytes = new byte[count];
                stream.ReadExactly(bytes);
                var labels = new long[count];
                for (int i = 0; i < count; i++) labels[i] = bytes[i];
                return labels;
            }
            catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
            {
                throw new DataSetException($"'{path}' is truncated or not a valid (gzipped) IDX file: {ex.Message}");
            }
        }

        private static int ReadBigEndian(Stream stream)
        {
            Span<byte> b = stackalloc byte[4];
            stream.ReadExactly(b);
            return (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
        }
    }

    /// <summary>A data set that cannot be read; the message says which file and why.</summary>
    internal sealed class DataSetException : Exception
    {
        public DataSetException(string message) : base(message)
        {
        }
    }
}
