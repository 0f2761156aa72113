namespace OptimDsl.Runtime
{
    /// <summary>
    /// SplitMix64 (Steele, Lea, Flood 2014): a tiny host-side generator whose whole state is one <see cref="ulong"/>,
    /// so it can be saved with the optimizer state and reproduces across runs and platforms (unlike <c>System.Random</c>).
    /// </summary>
    internal struct SplitMix64
    {
        public SplitMix64(ulong seed) => State = seed;

        /// <summary>The complete generator state.</summary>
        public ulong State;

        public ulong NextUInt64()
        {
            unchecked
            {
                State += 0x9E3779B97F4A7C15UL;
                ulong z = State;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        /// <summary>Uniform in [0, 1) with 53 random bits (like <c>np.random.uniform()</c>).</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);
    }
}
