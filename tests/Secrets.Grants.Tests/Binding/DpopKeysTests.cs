using System.Security.Cryptography;
using Secrets.Grants.Binding;

namespace Secrets.Grants.Tests.Binding;

/// <summary>The imported-key cache of DPoP proofs: rented and returned per thumbprint, bounded, never shared by two verifications at once.</summary>
public sealed class DpopKeysTests
{
    [Fact]
    public void A_returned_key_is_rented_again_without_importing()
    {
        var keys = new DpopKeys();
        var imports = 0;
        var first = keys.Rent("t1", () => { imports++; return ECDsa.Create(); })!;
        keys.Return("t1", first);

        keys.Rent("t1", () => { imports++; return ECDsa.Create(); }).ShouldBeSameAs(first);
        imports.ShouldBe(1);
    }

    [Fact]
    public void A_rented_key_is_not_lent_twice_a_second_verification_imports_its_own()
    {
        var keys = new DpopKeys();
        var a = keys.Rent("t1", ECDsa.Create)!;
        keys.Return("t1", a);
        var rented = keys.Rent("t1", ECDsa.Create)!;

        keys.Rent("t1", ECDsa.Create).ShouldNotBeSameAs(rented);
    }

    [Fact]
    public void A_key_that_does_not_import_is_not_kept()
    {
        var keys = new DpopKeys();
        keys.Rent("bad", () => null).ShouldBeNull();
        keys.Count.ShouldBe(0);
    }

    [Fact]
    public void Past_the_limit_the_cache_starts_again()
    {
        var keys = new DpopKeys();
        for (var i = 0; i <= DpopKeys.MaxKeys; i++)
            keys.Return("t" + i, ECDsa.Create());

        keys.Count.ShouldBeLessThanOrEqualTo(DpopKeys.MaxKeys);
        keys.Count.ShouldBe(1);   // the one returned after the reset
    }
}
