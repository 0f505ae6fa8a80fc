using Xunit.Abstractions;
using Xunit.Sdk;

namespace Secrets.Providers.Tests.Kv;

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    private readonly FactDiscoverer fact = new(diagnosticMessageSink);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        if (SkipReason(testMethod) is { } reason)
        {
            return [new SkippedTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }
        return fact.Discover(discoveryOptions, testMethod, factAttribute);
    }

    /// <summary>The class's reason when it is marked <see cref="RequiresEnvironmentAttribute"/> and a variable is not set; otherwise null.</summary>
    public static string? SkipReason(ITestMethod testMethod)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        var requirement = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute)).FirstOrDefault();
        if (requirement is null)
            return null;
        var arguments = requirement.GetConstructorArguments().ToList();
        return RequiresEnvironmentAttribute.AllSet((string[])arguments[1]) ? null : (string)arguments[0];
    }
}
