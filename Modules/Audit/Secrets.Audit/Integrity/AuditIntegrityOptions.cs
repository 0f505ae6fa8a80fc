using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Integrity;

/// <summary>
/// Tamper evidence settings (docs/AUDIT.md#tamper-evidence). <see cref="NodeId"/>: the events'
/// <c>node_id</c>, <c>AUDIT_NODE_ID</c> (default the machine name) followed by a suffix drawn at each
/// start, because every start begins a new chain at <c>seq</c> 1. <see cref="CheckpointEvery"/>
/// (<c>AUDIT_CHECKPOINT_EVERY</c>, events) and <see cref="CheckpointSeconds"/>
/// (<c>AUDIT_CHECKPOINT_SECONDS</c>): a signed checkpoint follows the N-th event after the previous
/// one, and every T seconds whenever events are not yet covered. <see cref="SigningKeyPointer"/>
/// (<c>AUDIT_SIGNING_KEY_POINTER</c>): the canonical URI of the Ed25519 seed; without it each start
/// generates a key, which prod refuses unless <c>ALLOW_UNSAFE_CONFIGURATION</c>.
/// </summary>
internal sealed record AuditIntegrityOptions(string NodeId, int CheckpointEvery, int CheckpointSeconds, CanonicalSecretUri? SigningKeyPointer)
{
    private const int MaxNodeIdLength = AuditStreamRules.MaxNodeIdLength;

    public static AuditIntegrityOptions From(IConfiguration config, DeploymentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(config);
        var configured = config["AUDIT_NODE_ID"]?.Trim();
        var name = string.IsNullOrEmpty(configured) ? MachineNodeName() : configured;
        if (!AuditStreamRules.IsNodeId(name) || name.Length > MaxNodeIdLength - 9)
            throw new InvalidOperationException("AUDIT_NODE_ID must be 1 to 91 characters of A-Z a-z 0-9 . _ -");
        var nodeId = name + "." + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));

        var pointerText = config["AUDIT_SIGNING_KEY_POINTER"]?.Trim();
        CanonicalSecretUri? pointer = null;
        if (!string.IsNullOrEmpty(pointerText))
        {
            if (!CanonicalSecretUri.TryParse(pointerText, null, UriAllowance.None, out var parsed, out _) || parsed.Fragment is null)
                throw new InvalidOperationException("AUDIT_SIGNING_KEY_POINTER must be a canonical secret URI naming one key (provider://mount/path#key)");
            pointer = parsed;
        }
        else if (profile == DeploymentProfile.Prod && !Settings.Bool(config["ALLOW_UNSAFE_CONFIGURATION"], "ALLOW_UNSAFE_CONFIGURATION", false))
        {
            throw new InvalidOperationException("ENVIRONMENT=prod requires AUDIT_SIGNING_KEY_POINTER: audit checkpoints must be signed with a key that outlives the process");
        }

        return new AuditIntegrityOptions(
            nodeId,
            Settings.Int(config["AUDIT_CHECKPOINT_EVERY"], "AUDIT_CHECKPOINT_EVERY", AuditStreamRules.DefaultEvery, 1, 1_000_000),
            Settings.Int(config["AUDIT_CHECKPOINT_SECONDS"], "AUDIT_CHECKPOINT_SECONDS", AuditStreamRules.DefaultSeconds, 1, 86_400),
            pointer);
    }


    private static string MachineNodeName()
    {
        var name = new string(Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-').Take(60).ToArray());
        return name.Length == 0 ? "node" : name.ToLowerInvariant();
    }
}
