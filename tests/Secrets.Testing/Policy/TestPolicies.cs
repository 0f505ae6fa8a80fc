namespace Secrets.Testing.Policy;

/// <summary>Policy files (docs/AUTHORIZATION.md) that tests give a host instead of the permit-all default of <see cref="SecretsHostFactory"/>.</summary>
public static class TestPolicies
{
    /// <summary>Permits everything on the test mounts, with grants of five uses (so grants are reused and the token guard applies).</summary>
    public const string PermitFiveUses = """
        version: 1
        rules:
          - id: permit-five-uses
            resources:
              - "yaml://secret/*"
              - "openbao+kv2://secret/*"
            purposes: ["*"]
            obligations:
              max_uses: 5
        """;
}
