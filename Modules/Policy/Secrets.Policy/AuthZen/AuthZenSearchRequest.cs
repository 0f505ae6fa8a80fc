namespace Secrets.Policy.AuthZen;

/// <summary>
/// A search request as the client sends it (AuthZEN 1.0 §8.4-§8.6): the searched-for entity without its id
/// (for an action search, no action at all) and the page.
/// </summary>
internal sealed record AuthZenSearchRequest(
    AuthZenSubject? Subject,
    AuthZenAction? Action,
    AuthZenResource? Resource,
    AuthZenContext? Context,
    AuthZenPageRequest? Page);
