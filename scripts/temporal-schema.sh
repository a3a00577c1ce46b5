#!/usr/bin/env bash
# Creates or upgrades Temporal's PostgreSQL schemas (the main and the visibility database) with
# Temporal's own SQL tool, as Temporal's samples-server compose does. Run by the `temporal-schema`
# job of docker-compose.yml (temporalio/admin-tools) and by the topology test (src/devstack/topology.ts),
# so the two set the schema up the same way.
#
# update-schema applies every versioned step up to the tool's version. Move the server one minor
# version at a time (1.28 -> 1.29 -> 1.30), running this job at each step, as Temporal's upgrade
# guide asks.
#
# Environment: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD; TEMPORAL_SQL_TOOL (default
# temporal-sql-tool) and TEMPORAL_SCHEMA_DIR (default /etc/temporal/schema, the admin-tools image's).
set -euo pipefail

tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
schema_dir="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12"
export SQL_PASSWORD="${POSTGRES_PWD:?set POSTGRES_PWD}"
sql=("$tool" --plugin postgres12 --ep "${POSTGRES_SEEDS:?set POSTGRES_SEEDS}" -p "${DB_PORT:-5432}"
  -u "${POSTGRES_USER:?set POSTGRES_USER}")

for database in temporal temporal_visibility; do
  dir="$schema_dir/temporal/versioned"
  [ "$database" = temporal_visibility ] && dir="$schema_dir/visibility/versioned"
  # `create` fails on a database that exists (a restart, an upgrade): only that failure is fine.
  if ! output="$("${sql[@]}" --db "$database" create 2>&1)"; then
    grep -q 'already exists' <<<"$output" || { echo "$output" >&2; exit 1; }
  fi
  "${sql[@]}" --db "$database" setup-schema -v 0.0
  "${sql[@]}" --db "$database" update-schema -d "$dir"
done
echo "temporal schemas ready"
