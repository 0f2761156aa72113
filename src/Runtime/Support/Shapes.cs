namespace OptimDsl.Runtime
{
    /// <summary>Host-side helpers for tensor shapes (metadata only, no tensor reads).</summary>
    internal static class Shapes
    {
        /// <summary>Whether two shapes have the same dimensions.</summary>
        public static bool Equal(long[] a, long[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A shape as text, e.g. <c>[3, 4]</c>.</summary>
        public static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";
    }
}
