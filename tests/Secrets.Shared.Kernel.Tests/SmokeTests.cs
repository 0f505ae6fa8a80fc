using Secrets.Shared.Kernel;

namespace Secrets.Shared.Kernel.Tests;

public sealed class CanonicalSecretUriSmokeTests
{
    [Fact]
    public void Fragment_and_query_in_either_order_normalise_to_one_form()
    {
        CanonicalSecretUri.Parse("OpenBao+KV2://secret/app/api?version=3#token").ToString()
            .ShouldBe("openbao+kv2://secret/app/api#token?version=3");
    }
}
