using System.Text.Json;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// The four members of one evaluation as received, unread: a JSON null counts as absent. In a batch an item's
/// member replaces the top-level default whole (AuthZEN 1.0 §7.1.1); members are never merged.
/// </summary>
internal sealed record ReceivedEvaluation(JsonElement? Subject, JsonElement? Action, JsonElement? Resource, JsonElement? Context)
{
    public static ReceivedEvaluation Of(JsonElement evaluation) =>
        new(AuthZenReader.Member(evaluation, "subject"), AuthZenReader.Member(evaluation, "action"),
            AuthZenReader.Member(evaluation, "resource"), AuthZenReader.Member(evaluation, "context"));

    public ReceivedEvaluation WithDefaults(ReceivedEvaluation defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new(Subject ?? defaults.Subject, Action ?? defaults.Action, Resource ?? defaults.Resource, Context ?? defaults.Context);
    }
}
