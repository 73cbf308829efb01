# shellcheck shell=bash
# Connection settings for the local PostgreSQL and Azurite, in the .NET configuration convention
# (ConnectionStrings__X is read as ConnectionStrings:X). Sourced by scripts/services, scripts/run and
# scripts/test so the ports a developer overrides reach both the services and the apps.
# Sourcing this file only sets variables; it starts nothing and changes no shell options.

: "${SHIPSEC_PG_PORT:=5433}"
: "${SHIPSEC_PG_DATABASE:=shipsec}"
: "${SHIPSEC_AZURITE_BLOB_PORT:=10000}"
: "${SHIPSEC_AZURITE_QUEUE_PORT:=10001}"
: "${SHIPSEC_AZURITE_TABLE_PORT:=10002}"
export SHIPSEC_PG_PORT SHIPSEC_PG_DATABASE
export SHIPSEC_AZURITE_BLOB_PORT SHIPSEC_AZURITE_QUEUE_PORT SHIPSEC_AZURITE_TABLE_PORT
# Where scripts/services keeps its data and the generated PostgreSQL passwords (a test may point it elsewhere).
: "${SHIPSEC_DATA_DIR:=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)/.data}"
export SHIPSEC_DATA_DIR

# Azurite's well-known development account: public, the same on every machine, not a secret.
SHIPSEC_AZURITE_ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

# scripts/services generates a password per role into the data directory: the app connects as shipsec_app
# (rows only; it cannot rewrite the trace), migrations run as shipsec_owner. A server without them (an older
# checkout's, or one started elsewhere) is used as before: user postgres, trust auth.
if [[ -s $SHIPSEC_DATA_DIR/postgres-app.password && -s $SHIPSEC_DATA_DIR/postgres-owner.password ]]; then
  export ConnectionStrings__Postgres="Host=127.0.0.1;Port=${SHIPSEC_PG_PORT};Username=shipsec_app;Password=$(<"$SHIPSEC_DATA_DIR/postgres-app.password");Database=${SHIPSEC_PG_DATABASE}"
  export ConnectionStrings__PostgresOwner="Host=127.0.0.1;Port=${SHIPSEC_PG_PORT};Username=shipsec_owner;Password=$(<"$SHIPSEC_DATA_DIR/postgres-owner.password");Database=${SHIPSEC_PG_DATABASE}"
else
  export ConnectionStrings__Postgres="Host=127.0.0.1;Port=${SHIPSEC_PG_PORT};Username=postgres;Database=${SHIPSEC_PG_DATABASE}"
  unset ConnectionStrings__PostgresOwner
fi
export ConnectionStrings__Storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${SHIPSEC_AZURITE_ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${SHIPSEC_AZURITE_BLOB_PORT}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${SHIPSEC_AZURITE_QUEUE_PORT}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${SHIPSEC_AZURITE_TABLE_PORT}/devstoreaccount1;"
unset SHIPSEC_AZURITE_ACCOUNT_KEY

# Prints the export lines for the current settings, so a developer can paste them into a shell.
shipsec_print_env() {
  # Single quotes keep the semicolons literal; the values never contain a single quote.
  printf "export ConnectionStrings__Postgres='%s'\n" "$ConnectionStrings__Postgres"
  if [[ -n ${ConnectionStrings__PostgresOwner:-} ]]; then
    printf "export ConnectionStrings__PostgresOwner='%s'\n" "$ConnectionStrings__PostgresOwner"
  fi
  printf "export ConnectionStrings__Storage='%s'\n" "$ConnectionStrings__Storage"
}
