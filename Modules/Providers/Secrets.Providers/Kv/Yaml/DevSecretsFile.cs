namespace Secrets.Providers.Kv.Yaml;

/// <summary>The sample file created on first run in dev when <c>YAML_VAULT_PATH</c> is unset.</summary>
internal static class DevSecretsFile
{
    public const string FileName = "dev_secrets.yaml";

    public const string Sample = """
        # Development secrets for the YAML provider (yaml://), created on first run in dev.
        # Top-level key = mount; nested maps = path; leaf keys = fragments.
        #   yaml://secret/env#MY_API_KEY   yaml://secret/app/db#password
        # Never used outside ENVIRONMENT=dev/test. Edit freely: the service picks up changes.
        secret:
          env:
            MY_API_KEY: "dev-api-key-change-me"
          app:
            db:
              username: "app"
              password: "dev-password-change-me"

        """;
}
