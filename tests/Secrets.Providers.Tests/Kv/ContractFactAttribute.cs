using Xunit.Sdk;

namespace Secrets.Providers.Tests.Kv;

/// <summary>
/// A <see cref="FactAttribute"/> for the provider contract suite. It behaves exactly like
/// <c>[Fact]</c>, except in a test class marked <see cref="RequiresEnvironmentAttribute"/> whose
/// environment variables are not all set: there every test is reported skipped, with the class's
/// reason.
/// </summary>
/// <remarks>
/// Why this shape: the contract tests live in abstract base classes, and xunit 2 has no
/// dynamic skip, while a Skip argument on the attribute is fixed at compile time and would skip the test for
/// every store. A test case discoverer, however, is called once per concrete test class for each
/// inherited method, and can see that class. So the classes that need a real OpenBao/Vault
/// (<see cref="Kv2.RealServerKvStoreTests"/>, and <see cref="Kv2.RealServerConformanceTests"/> through the
/// theory form <see cref="ContractTheoryAttribute"/>) declare what they need, and the decision is taken at
/// discovery, where xunit reports a skip with a message. The YAML and embedded stores are never
/// skipped. These are the only skips in the repository.
/// </remarks>
[XunitTestCaseDiscoverer("Secrets.Providers.Tests.Kv.ContractFactDiscoverer", "Secrets.Providers.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractFactAttribute : FactAttribute;
