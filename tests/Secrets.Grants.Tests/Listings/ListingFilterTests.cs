using Secrets.Grants.Tests.Enforcement;
using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Tests.Listings;

/// <summary>
/// The PEP's filter of a listing (docs/AUTHORIZATION.md#filtered-listings): the PDP's resource search when it can answer,
/// batched evaluations of the names otherwise, nothing shown when the PDP cannot answer, no grant made or spent.
/// </summary>
public sealed class ListingFilterTests
{
    private static readonly CanonicalSecretUri Listing = Entry("yaml://secret/list/*");

    private static CanonicalSecretUri Entry(string uri) => CanonicalSecretUri.Parse(uri, null, UriAllowance.Prefix);

    private static CanonicalSecretUri[] Secrets(int count) =>
        Enumerable.Range(0, count).Select(i => Entry($"yaml://secret/list/s{i:D4}")).ToArray();

    private static Task<IReadOnlyList<bool>> FilterAsync(PepHarness pep, IReadOnlyList<CanonicalSecretUri> candidates, Caller? caller = null) =>
        pep.Pep.FilterAsync(Listing, candidates, Purpose.ReadMetadata, caller ?? PepHarness.Caller(), CancellationToken.None);

    [Fact]
    public async Task Without_a_resource_search_the_names_are_evaluated_in_batches_of_100_without_attributes()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = q => q.Question.Uri.Path.EndsWith('7') ? new AccessVerdict(true, null, null, null, null, "ok") : AccessVerdict.Deny("no");
        var candidates = Secrets(250);

        var visible = await FilterAsync(pep, candidates);

        visible.Count(v => v).ShouldBe(25);
        for (var i = 0; i < candidates.Length; i++)
            visible[i].ShouldBe(i % 10 == 7, candidates[i].ToString());
        pep.Pdp.Calls.Select(c => (c.Questions.Count, c.Semantic)).ShouldBe(
            [(100, EvaluationSemantic.ExecuteAll), (100, EvaluationSemantic.ExecuteAll), (50, EvaluationSemantic.ExecuteAll)]);
        pep.Pdp.AllAsked.ShouldAllBe(q => q.Question.Attributes.IsUnknown && q.Question.Purpose == Purpose.ReadMetadata);
        pep.Search.Asked.Single().Prefix.ShouldBe("yaml://secret/list/*");
    }

    [Fact]
    public async Task A_resource_search_answers_the_whole_listing_and_no_name_is_evaluated()
    {
        await using var pep = new PepHarness();
        pep.Search.Answer = _ => new PermittedResources(true, false, ["yaml://secret/list/a/*", "yaml://secret/list/b/x", "not a uri", "yaml://secret/list/c#key"]);
        var candidates = new[]
        {
            "yaml://secret/list/a/1", "yaml://secret/list/a/deep/2", "yaml://secret/list/a/*", "yaml://secret/list/a/sub/*",
            "yaml://secret/list/b/x", "yaml://secret/list/b/y", "yaml://secret/list/b/*", "yaml://secret/list/ab/1",
            "yaml://secret/list/c", "yaml://other/list/a/1",
        }.Select(Entry).ToArray();

        var visible = await FilterAsync(pep, candidates);

        visible.ShouldBe([true, true, true, true, true, false, false, false, false, false]);
        pep.Pdp.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_resource_search_of_the_whole_mount_shows_everything_in_it()
    {
        await using var pep = new PepHarness();
        pep.Search.Answer = _ => new PermittedResources(true, false, ["yaml://secret/*"]);

        var visible = await FilterAsync(pep, [Entry("yaml://secret/x"), Entry("yaml://secret/app/*"), Entry("openbao+kv2://secret/x")]);

        visible.ShouldBe([true, true, false]);
    }

    [Fact]
    public async Task A_PDP_that_cannot_search_or_evaluate_refuses_the_listing()
    {
        await using var pep = new PepHarness();
        pep.Search.Answer = _ => new PermittedResources(false, true, []);
        (await Should.ThrowAsync<SecretsProblem>(() => FilterAsync(pep, Secrets(3)))).Code.ShouldBe(ErrorCode.PdpUnavailable);
        pep.Pdp.Calls.ShouldBeEmpty();

        pep.Search.Answer = _ => ScriptedResourceSearch.NotSupported;
        pep.Pdp.Unavailable = true;
        (await Should.ThrowAsync<SecretsProblem>(() => FilterAsync(pep, Secrets(3)))).Code.ShouldBe(ErrorCode.PdpUnavailable);
    }

    [Fact]
    public async Task Filtering_makes_and_spends_no_grant()
    {
        await using var pep = new PepHarness();
        var candidates = Secrets(2);
        var caller = PepHarness.Caller();

        (await FilterAsync(pep, candidates, caller)).ShouldBe([true, true]);
        (await FilterAsync(pep, candidates, caller)).ShouldBe([true, true]);
        var asked = pep.Pdp.Questions;
        await pep.AuthorizeAsync(candidates[0].ToString(), Purpose.ReadMetadata, caller);

        pep.Pdp.Questions.ShouldBe(asked + 1);   // the use is decided afresh: no grant came from the listing
        asked.ShouldBe(4);                       // nor was anything cached between the two listings
    }

    [Theory]
    [InlineData("true", "off")]
    [InlineData("false", "pdp")]
    public async Task With_the_filter_off_or_authorization_off_everything_is_shown_unasked(string enforce, string filter)
    {
        await using var pep = new PepHarness(new() { ["ENABLE_AUTHORIZATION"] = enforce, ["LISTING_FILTER"] = filter });
        pep.Pdp.Decide = _ => AccessVerdict.Deny("no");

        pep.Pep.FiltersListings.ShouldBeFalse();
        (await FilterAsync(pep, Secrets(3))).ShouldBe([true, true, true]);
        pep.Pdp.Calls.ShouldBeEmpty();
        pep.Search.Asked.ShouldBeEmpty();
    }

    [Fact]
    public async Task Filtering_is_on_by_default_with_authorization()
    {
        await using var pep = new PepHarness();

        pep.Pep.FiltersListings.ShouldBeTrue();
    }
}
