using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orbit.Modules.Webhooks;

/// <summary>
/// Once per start, brings every stored signing secret to the form <see cref="WebhookSecrets.Protect"/> writes now:
/// encrypted with the active key. That is how a key is rotated (add a key, make it active, restart; once the pass has
/// logged that it is done, remove the old key) and how secrets stored in plain text get encrypted once a key exists.
/// Without a key it only warns, once, that secrets are stored unencrypted. Several hosts may run it at once: each row
/// is replaced only if it still holds what was read.
/// </summary>
internal sealed class WebhookSecretReencryption(NpgsqlDataSource dataSource, WebhookSecrets secrets, ILogger<WebhookSecretReencryption> logger)
    : BackgroundService
{
    private const int BatchSize = 100;

    // Keyset on the primary key over every webhook not yet in the current form. A start-up pass over a table of at most
    // 20 webhooks per project needs no index of its own.
    private const string PendingSql = """
        select w.id as Id, w.secret as Secret
        from webhooks.webhooks w
        where w.id > @After and not starts_with(w.secret, @CurrentPrefix)
        order by w.id
        limit @Take
        """;

    private const string ReplaceSql = "update webhooks.webhooks set secret = @New where id = @Id and secret = @Old";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!secrets.Encrypts)
        {
            logger.LogWarning("Webhook signing secrets are stored unencrypted: no key is set. Set Webhooks:SecretEncryptionKeys:<id> " +
                "(base64 of 32 random bytes) and Webhooks:ActiveSecretKeyId; required outside Development");
            return;
        }

        try
        {
            await ReencryptAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Rows left behind stay readable with the keys they were written with; the next start tries again.
            logger.LogError(e, "Re-encrypting webhook signing secrets stopped: the database is unavailable; the next start continues");
        }
    }

    private async Task ReencryptAsync(CancellationToken cancellationToken)
    {
        int reencrypted = 0, unreadable = 0;
        var after = Guid.Empty;
        while (true)
        {
            List<StoredSecret> batch;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                batch = (await connection.QueryAsync<StoredSecret>(new CommandDefinition(
                    PendingSql, new { After = after, secrets.CurrentPrefix, Take = BatchSize }, cancellationToken: cancellationToken))).AsList();
                foreach (var row in batch)
                {
                    after = row.Id;
                    string secret;
                    try
                    {
                        secret = secrets.Unprotect(row.Secret, row.Id);
                    }
                    catch (Exception e) when (e is CryptographicException or FormatException)
                    {
                        unreadable++;
                        logger.LogError("The signing secret of webhook {WebhookId} cannot be read, so it stays as it is: {Reason}", row.Id, e.Message);
                        continue;
                    }

                    reencrypted += await connection.ExecuteAsync(new CommandDefinition(
                        ReplaceSql, new { row.Id, Old = row.Secret, New = secrets.Protect(secret, row.Id) }, cancellationToken: cancellationToken));
                }
            }

            if (batch.Count < BatchSize)
            {
                break;
            }
        }

        if (reencrypted > 0 || unreadable > 0)
        {
            logger.LogInformation(
                "Webhook signing secrets re-encrypted with the active key ({Prefix}): {Reencrypted}; unreadable and left as they were: {Unreadable}",
                secrets.CurrentPrefix, reencrypted, unreadable);
        }
        else
        {
            logger.LogDebug("Every webhook signing secret is already encrypted with the active key");
        }
    }

    private sealed record StoredSecret(Guid Id, string Secret);
}
