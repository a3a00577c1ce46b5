#!/usr/bin/env bash
# Registers Breakout Recorder's custom search attributes on a production Temporal cluster.
# Prints the `temporal operator search-attribute create` commands; with --apply, creates the
# namespace when it does not exist (TEMPORAL_NAMESPACE_RETENTION, default 72h), runs them, and
# fails unless every attribute ends up registered with its type: an attribute that exists with the
# same type is fine, anything else (another type, no free slot of that type in SQL visibility, an
# unreachable server) stops the job with the server's error.
# The list mirrors src/contracts/search-attributes.ts (the dev server and tests register from there).
# Run by the `temporal-setup` job of docker-compose.yml and by the topology test.
#
#   scripts/search-attributes.sh                      # print the commands
#   TEMPORAL_ADDRESS=temporal:7233 scripts/search-attributes.sh --apply
set -euo pipefail

address="${TEMPORAL_ADDRESS:-localhost:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
temporal="${TEMPORAL_CLI:-temporal}"

attributes=(
  BreakoutMeetingKey=Keyword
  BreakoutMeetingWorkflowId=Keyword
  BreakoutRoomKey=Keyword
  BreakoutRoomState=Keyword
  BreakoutBotId=Keyword
  BreakoutRoomsTotal=Int
  BreakoutRoomsRecorded=Int
  BreakoutRoomsFailed=Int
)

case "${1:-}" in
  "") apply=false ;;
  --apply) apply=true ;;
  *) echo "usage: $0 [--apply]" >&2; exit 2 ;;
esac

registered() {
  "$temporal" operator search-attribute list --address "$address" --namespace "$namespace" -o json
}

if $apply && ! "$temporal" operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  "$temporal" operator namespace create --address "$address" --namespace "$namespace" \
    --retention "${TEMPORAL_NAMESPACE_RETENTION:-72h}"
  # A new namespace reaches every frontend through a cache refreshed every few seconds.
  for _ in $(seq 60); do registered >/dev/null 2>&1 && break; sleep 2; done
fi

for attribute in "${attributes[@]}"; do
  name="${attribute%%=*}"
  type="${attribute#*=}"
  command=("$temporal" operator search-attribute create --address "$address" --namespace "$namespace"
    --name "$name" --type "$type")
  if ! $apply; then
    printf '%q ' "${command[@]}"
    printf '\n'
    continue
  fi
  if ! "${command[@]}"; then
    # Older servers refuse to create an attribute that exists; the same type is what was asked for.
    want="\"$name\": *\"INDEXED_VALUE_TYPE_${type^^}\""
    registered | grep -qE "$want" || { echo "search attribute $name ($type) could not be registered" >&2; exit 1; }
  fi
done

if $apply; then
  list="$(registered)"
  for attribute in "${attributes[@]}"; do
    name="${attribute%%=*}"
    type="${attribute#*=}"
    grep -qE "\"$name\": *\"INDEXED_VALUE_TYPE_${type^^}\"" <<<"$list" || {
      echo "search attribute $name is not registered as $type" >&2
      exit 1
    }
  done
  echo "search attributes ready"
fi
