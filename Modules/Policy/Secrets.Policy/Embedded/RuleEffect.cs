namespace Secrets.Policy.Embedded;

internal enum RuleEffect
{
    Permit,
    Deny,
}
