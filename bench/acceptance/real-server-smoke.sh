#!/usr/bin/env bash
# bench/acceptance/real-server-smoke.sh [URL] [run.sh options...]
#
# The acceptance run against a real llama-server whose model cannot build anything: the random-weight
# model of Qwen2.5-0.5B's shape (serve.sh PORT with SMOKE=1; gibberish, never stops on its own). Nothing
# can be built, so the point is that Wilson ends every item honestly and within its bounds: each idea
# exits 1 with a verdict that says nothing was built, nothing is merged and main does not move, the plan
# and every item it started end Blocked or Failed with a reason, every answer is cut at the per-turn cap
# and fits the context, the books (ledger, executions) agree, and nothing crashes. Idea 1 runs with the
# profile's native tool calls, idea 2 with supports_tools: false and constrained_calls: true.
#
# Bound: 25 minutes for the whole run (run.sh --time-limit 25), each idea an equal share of what is left
# (about 12 minutes each): a 0.5B model at ~50 tokens/s on 2 cores writes a 2,048-token answer (the
# profile's max_output_tokens) in ~40 s, so an idea Wilson bounds properly (three turns without a call, or
# three plan attempts) ends well inside its share; an idea that does not is stopped there and reported as
# a missing bound. Exit 0 only when every invariant held.
set -uo pipefail
URL="${1:-http://127.0.0.1:18080/v1}"
[ $# -gt 0 ] && shift
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The server must be the random one: a real model could build, and the invariants would not apply.
if props="$(curl -sf --max-time 10 "${URL%/v1}/props")"; then
  case "$props" in
    *RANDOM*|*random*) ;;
    *) echo "real-server-smoke.sh: the model at ${URL%/v1}/props is not a random-weight one (its file name does not say RANDOM): a real model could build, so use run.sh (with --expect-nothing-built if it cannot)" >&2; exit 2 ;;
  esac
fi
exec "$HERE/run.sh" --url "$URL" --calls native,constrained --time-limit 25 --expect-nothing-built "$@"
