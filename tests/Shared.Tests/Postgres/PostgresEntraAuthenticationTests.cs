using Azure.Core;
using ShipSec.Shared.Postgres;

namespace ShipSec.Shared.Tests.Postgres;

/// <summary>In Azure the app signs in to PostgreSQL with its identity's token, never a stored password.</summary>
public sealed class PostgresEntraAuthenticationTests
{
    [Fact]
    public async Task Connections_sign_in_with_a_token_for_the_postgresql_audience()
    {
        // The local server wants the app role's password: handed out as the identity's token, it signs in only
        // when the token (and not the connection string's password, which the data source drops) is what is sent.
        var password = new Npgsql.NpgsqlConnectionStringBuilder(PostgresSchemaFixture.ConnectionString).Password ?? "trusted-locally";
        var credential = new RecordingCredential(password);
        var options = new PostgresOptions { ConnectionString = PostgresSchemaFixture.ConnectionString, EntraAuthentication = true };
        await using var dataSource = options.CreateDataSource(credential: credential);

        await using var connection = await dataSource.OpenConnectionAsync();

        Assert.Contains([PostgresOptions.EntraScope], credential.Requests);
    }

    private sealed class RecordingCredential(string token) : TokenCredential
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string[]> requests = new();

        public IReadOnlyList<string[]> Requests => [.. requests];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            requests.Enqueue(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
