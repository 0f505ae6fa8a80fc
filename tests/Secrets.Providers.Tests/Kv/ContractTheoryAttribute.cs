using Xunit.Sdk;

namespace Secrets.Providers.Tests.Kv;

/// <summary>
/// A <see cref="TheoryAttribute"/> for the provider contract suite: exactly <c>[Theory]</c>, except in a test class
/// marked <see cref="RequiresEnvironmentAttribute"/> whose environment variables are not all set, where the theory
/// is reported as one skipped test with the class's reason (see <see cref="ContractFactAttribute"/>).
/// </summary>
[XunitTestCaseDiscoverer("Secrets.Providers.Tests.Kv.ContractTheoryDiscoverer", "Secrets.Providers.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractTheoryAttribute : TheoryAttribute;
