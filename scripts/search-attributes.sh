#!/usr/bin/env bash
# Registers Breakout Recorder's custom search attributes on a production Temporal cluster.
# Prints the `temporal operator search-attribute create` commands; with --apply, runs them.
# The list mirrors src/contracts/search-attributes.ts (the dev server and tests register from there).
#
#   scripts/search-attributes.sh                      # print the commands
#   TEMPORAL_ADDRESS=temporal:7233 scripts/search-attributes.sh --apply
set -euo pipefail

address="${TEMPORAL_ADDRESS:-localhost:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"

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

for attribute in "${attributes[@]}"; do
  command=(temporal operator search-attribute create --address "$address" --namespace "$namespace"
    --name "${attribute%%=*}" --type "${attribute#*=}")
  if $apply; then
    # Creating an attribute that already exists with the same type is reported and harmless.
    "${command[@]}" || echo "note: ${attribute%%=*} not created (already there?)" >&2
  else
    printf '%q ' "${command[@]}"
    printf '\n'
  fi
done
