using Npgsql;
using NpgsqlTypes;

namespace ShipSec.Shared.Postgres;

/// <summary>Array parameters for statements that <c>unnest</c> or <c>= ANY</c> them.</summary>
internal static class PostgresArrays
{
    /// <summary>A <c>text[]</c> parameter; null elements stay SQL NULL.</summary>
    public static NpgsqlParameter<string?[]> Texts(string?[] values)
        => new() { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
