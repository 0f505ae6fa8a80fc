namespace Secrets.Rotation.Tests;

/// <summary>
/// The canary tests run alone: the host's Serilog setup writes through the static logger, which the latest host built
/// replaces, so hosts side by side would write into each other's capture (see <see cref="RotationCanaryTests"/>).
/// </summary>
[CollectionDefinition(nameof(CanaryCollection), DisableParallelization = true)]
public sealed class CanaryCollection;
