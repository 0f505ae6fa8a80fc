using Xunit.Abstractions;
using Xunit.Sdk;

namespace Secrets.Providers.Tests.Kv;

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
