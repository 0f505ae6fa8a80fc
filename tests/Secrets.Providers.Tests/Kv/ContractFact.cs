using Xunit.Abstractions;
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
/// inherited method, and can see that class. So the one class that needs a real OpenBao/Vault
/// (<see cref="RealServerKvStoreTests"/>) declares what it needs, and the decision is taken at
/// discovery, where xunit reports a skip with a message. The YAML and embedded stores are never
/// skipped. This is the only skip in the repository.
/// </remarks>
[XunitTestCaseDiscoverer("Secrets.Providers.Tests.Kv.ContractFactDiscoverer", "Secrets.Providers.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>The environment variables a contract test class needs, and the skip message when one is missing.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RequiresEnvironmentAttribute(string reason, params string[] variables) : Attribute
{
    public string Reason { get; } = reason;

    public IReadOnlyList<string> Variables { get; } = variables;

    public static bool AllSet(IEnumerable<string> variables) =>
        variables.All(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)));
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    private readonly FactDiscoverer fact = new(diagnosticMessageSink);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var requirement = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute)).FirstOrDefault();
        if (requirement is not null)
        {
            var arguments = requirement.GetConstructorArguments().ToList();
            var reason = (string)arguments[0];
            var variables = (string[])arguments[1];
            if (!RequiresEnvironmentAttribute.AllSet(variables))
            {
                return [new SkippedTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                    discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
            }
        }
        return fact.Discover(discoveryOptions, testMethod, factAttribute);
    }
}

/// <summary>An ordinary test case whose skip reason comes from its class rather than from its attribute.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod, string reason)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
        this.reason = reason;
        SkipReason = reason;
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipMessage", reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        base.Deserialize(data);
        reason = data.GetValue<string>("SkipMessage");
        SkipReason = reason;
    }
}
