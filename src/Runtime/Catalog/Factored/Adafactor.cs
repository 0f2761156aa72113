namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Adafactor (Shazeer and Stern, 2018) with HuggingFace transformers' arguments and semantics: factored second moment
    /// (memory Σ of the last two dims per matrix), relative step size, parameter scaling, update clipping, optional
    /// first moment <c>beta1</c>. HuggingFace's <c>eps=(eps1, eps2)</c> tuple is split into <c>eps1</c> and <c>eps2</c>.
    /// The relative learning rate is computed on the device (no host synchronisation).
    /// </summary>
    [Optimizer]
    [AdafactorAttribute]
    [Reproduces("hf.Adafactor")]
    public sealed partial class Adafactor
    {
    }
}
