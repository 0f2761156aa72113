using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace OptimDsl.Generator.Model
{
    /// <summary>A diagnostic as data: descriptor id, location and message arguments, all equatable.</summary>
    internal sealed record DiagnosticInfo(string DescriptorId, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor.Id, location, arguments.ToEquatableArray());

        public Diagnostic ToDiagnostic()
        {
            DiagnosticDescriptor descriptor = Diagnostics.DiagnosticDescriptors.ById(DescriptorId)
                ?? throw new InvalidOperationException("Unknown diagnostic id " + DescriptorId);
            return Diagnostic.Create(descriptor, Location?.ToLocation(), Arguments.Cast<object>().ToArray());
        }
    }
}
