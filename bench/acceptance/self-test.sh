#!/usr/bin/env bash
# bench/acceptance/self-test.sh [PORT]: tests run.sh and its report where everything gets built, with no
# real model: the fake model server (tests/Wilson.Testing) plays honest-model.yaml, a model that does both
# ideas the plainest honest way. Both ideas must exit 0 with their items merged, main's tests must pass,
# and every check of run.sh must hold. Takes a few minutes (the build, then two ideas of 6 stages each).
set -uo pipefail
PORT="${1:-18099}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/wilson-acceptance-self-test.XXXXXX")"
echo "self-test in $OUT"
for project in src/Wilson.Cli bench/Wilson.Bench; do
  dotnet build "$REPO/$project" -c Release -nologo -v q > "$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 3; }
done
curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1 && { echo "port $PORT is taken: self-test.sh PORT" >&2; exit 2; }
dotnet "$REPO/tests/Wilson.Testing/bin/Release/net10.0/Wilson.Testing.dll" serve-models --port "$PORT" --script "$HERE/honest-model.yaml" \
  > "$OUT/fake-model-server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1 && break; sleep 1; done

"$HERE/run.sh" --url "http://127.0.0.1:$PORT/v1" --calls native --time-limit 20 --out "$OUT/run" \
  --wilson "$REPO/src/Wilson.Cli/bin/Release/net10.0/wilson" --bench "$REPO/bench/Wilson.Bench/bin/Release/net10.0/Wilson.Bench"
rc=$?
failed=0
expect() { if grep -Eq "$1" "$2"; then echo "ok   $3"; else echo "FAIL $3 (no /$1/ in $2)"; failed=1; fi; }
[ "$rc" = 0 ] && echo "ok   run.sh: every check held" || { echo "FAIL run.sh exited $rc"; failed=1; }
expect '^idea 1 \(native\): exit 0 ' "$OUT/run/run.log" "idea 1 exited 0"
expect '^idea 2 \(native\): exit 0 ' "$OUT/run/run.log" "idea 2 exited 0"
expect '^T-[0-9]+ +Done +done ' "$OUT/run/report-1.txt" "idea 1's item is Done"
expect '^T-[0-9]+ +Done +done ' "$OUT/run/report-2.txt" "idea 2's item is Done"
# The item's commands (run_tests, verification, the merge's tests) are counted: not 0.0s.
expect '^T-[0-9]+ +Done +done +[0-9.]+s +[0-9.]+s +([1-9][0-9]*\.[0-9]|0\.[1-9])s ' "$OUT/run/report-1.txt" "idea 1's item has time in commands"
exit $((failed || rc != 0))
