#!/usr/bin/env bash
# bench/acceptance/run.sh: an acceptance run of Wilson against a real model.
#
# Creates a small real project (a POSIX sh calculator whose tests run with `sh test.sh`), runs
# `wilson init` with the profile that fits the model, and gives Wilson two ideas with `wilson idea --wait`:
#   1. add a `double` command with a test;
#   2. fix the failing test (a test for `sub`, which calc.sh gets wrong, is committed before this idea).
# Then it prints per item the wall time, model time, time in commands and tests, waiting, Wilson's own
# overhead and its share of the wall, tokens in and out, calls, turns, runs and retries
# (`Wilson.Bench acceptance-report`), and checks that Wilson ended each idea honestly and within bounds.
#
# Usage: bench/acceptance/run.sh (--gguf FILE | --url URL | --ollama MODEL) [options]; --help for all.
# Exit: 0 every check held; 1 a check failed; 2 wrong usage; 3 the model or the tools are not usable.
set -uo pipefail

usage() {
  cat <<'EOF'
usage: bench/acceptance/run.sh (--gguf FILE | --url URL | --ollama MODEL) [options]

The model (one of):
  --gguf FILE            start llama.cpp's llama-server with this model (stopped at the end)
  --url URL              an OpenAI-compatible server already serving, e.g. http://127.0.0.1:8080/v1
                         (llama-server started with --jinja --alias local-model)
  --ollama MODEL         an Ollama model already pulled, e.g. qwen2.5-coder:7b

Options:
  --model NAME           the model's name at --url (default: local-model, llama-server's --alias)
  --ollama-url URL       the Ollama server (default: $OLLAMA_HOST, else http://127.0.0.1:11434)
  --llama-server PATH    the llama-server binary for --gguf (default: $LLAMA_SERVER, llama-server on
                         PATH, ~/.cache/realmodel/llama.cpp/build/bin/llama-server)
  --port N               --gguf: the port to serve on (default 8080)
  --ctx N                --gguf: the context llama-server is started with (default 8192)
  --calls MODES          how the model calls tools, per idea: native, constrained (supports_tools: false
                         with constrained_calls: true), or two separated by a comma (default native)
  --num-ctx N            num_ctx in wilson.yaml (default: the server's context when it says, else the profile's)
  --max-output-tokens N  max_output_tokens in wilson.yaml (default: the profile's)
  --workers N            agents at once (default 1: one model slot, so each item's figures are its own)
  --time-limit MIN       the whole run's wall-clock limit, build included (default 90); each idea gets
                         an equal share of what is left when it starts, and is stopped at the end of it
  --expect-nothing-built the model cannot build (random weights): check that every idea ends with exit 1,
                         nothing merged and every item blocked or failed with a reason
  --out DIR              where the project, the logs and the report go (default: a new temp directory)
  --wilson PATH          a built wilson (default: build src/Wilson.Cli of this checkout)
  --bench PATH           a built Wilson.Bench (default: build bench/Wilson.Bench of this checkout)
EOF
}

die() { echo "run.sh: $*" >&2; exit 2; }
unusable() { echo "run.sh: $*" >&2; exit 3; }

GGUF="" URL="" OLLAMA_MODEL="" MODEL_NAME="local-model" OLLAMA_URL="${OLLAMA_HOST:-}" LLAMA_BIN="${LLAMA_SERVER:-}"
PORT=8080 CTX=8192 CALLS="native" NUM_CTX="" MAX_OUT="" WORKERS=1 LIMIT_MIN=90 NOTHING_BUILT=0 OUT="" WILSON="" BENCH=""
while [ $# -gt 0 ]; do
  case "$1" in
    --gguf) GGUF="${2:?--gguf needs a file}"; shift 2 ;;
    --url) URL="${2:?--url needs a URL}"; shift 2 ;;
    --ollama) OLLAMA_MODEL="${2:?--ollama needs a model name}"; shift 2 ;;
    --model) MODEL_NAME="${2:?--model needs a name}"; shift 2 ;;
    --ollama-url) OLLAMA_URL="${2:?--ollama-url needs a URL}"; shift 2 ;;
    --llama-server) LLAMA_BIN="${2:?--llama-server needs a path}"; shift 2 ;;
    --port) PORT="${2:?}"; shift 2 ;;
    --ctx) CTX="${2:?}"; shift 2 ;;
    --calls) CALLS="${2:?--calls needs native, constrained or two of them}"; shift 2 ;;
    --num-ctx) NUM_CTX="${2:?}"; shift 2 ;;
    --max-output-tokens) MAX_OUT="${2:?}"; shift 2 ;;
    --workers) WORKERS="${2:?}"; shift 2 ;;
    --time-limit) LIMIT_MIN="${2:?}"; shift 2 ;;
    --expect-nothing-built) NOTHING_BUILT=1; shift ;;
    --out) OUT="${2:?}"; shift 2 ;;
    --wilson) WILSON="${2:?}"; shift 2 ;;
    --bench) BENCH="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done

chosen=0
for given in "$GGUF" "$URL" "$OLLAMA_MODEL"; do [ -n "$given" ] && chosen=$((chosen + 1)); done
[ "$chosen" = 1 ] || { usage >&2; die "give one model: --gguf FILE, --url URL or --ollama MODEL"; }
for number in "$PORT" "$CTX" "$WORKERS" "$LIMIT_MIN" ${NUM_CTX:+"$NUM_CTX"} ${MAX_OUT:+"$MAX_OUT"}; do
  case "$number" in ''|*[!0-9]*) die "'$number' is not a positive whole number" ;; esac
done
IFS=',' read -r -a MODES <<< "$CALLS"
case "${#MODES[@]}" in 1) MODES=("${MODES[0]}" "${MODES[0]}") ;; 2) ;; *) die "--calls: one mode, or two separated by a comma" ;; esac
for mode in "${MODES[@]}"; do
  case "$mode" in native|constrained) ;; *) die "--calls: '$mode' is not native or constrained" ;; esac
done

# The clock starts now: the limit covers everything below, the build and the server's start included.
START=$(date +%s)
DEADLINE=$((START + LIMIT_MIN * 60))
left() { echo $((DEADLINE - $(date +%s))); }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -n "$OUT" ] || OUT="$(mktemp -d "${TMPDIR:-/tmp}/wilson-acceptance.XXXXXX")"
mkdir -p "$OUT" || die "cannot create $OUT"
OUT="$(cd "$OUT" && pwd)"
PROJECT="$OUT/project"
[ ! -e "$PROJECT" ] || die "$PROJECT exists: give an --out that holds no project yet"
exec > >(tee -a "$OUT/run.log") 2>&1

for tool in git curl timeout sh; do
  command -v "$tool" >/dev/null || unusable "needs $tool (on Debian: apt-get install git curl coreutils)"
done
if [ -z "$WILSON" ] || [ -z "$BENCH" ]; then
  command -v dotnet >/dev/null || unusable "needs the .NET 10 SDK to build Wilson (or pass --wilson and --bench)"
fi

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "stopping the llama-server this run started (pid $SERVER_PID)"
    kill "$SERVER_PID" 2>/dev/null
  fi
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }
now_ns() { date +%s%N; }

say "acceptance run in $OUT (limit ${LIMIT_MIN} min, until $(date -d "@$DEADLINE" '+%H:%M:%S'))"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); $(uname -sr)"
echo "repository: $REPO ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')$(git -C "$REPO" status --porcelain 2>/dev/null | grep -q . && echo ', with uncommitted changes'))"

# --- Wilson and the report, built once -------------------------------------------------------------------
if [ -z "$WILSON" ] || [ -z "$BENCH" ]; then
  say "building Wilson (Release)"
  t0=$(now_ns)
  for project in src/Wilson.Cli bench/Wilson.Bench; do
    [ "$(left)" -gt 0 ] || unusable "the time limit ran out while building"
    timeout "$(left)" dotnet build "$REPO/$project" -c Release -nologo -v q > "$OUT/build.log" 2>&1 \
      || { tail -20 "$OUT/build.log"; unusable "the build of $project failed or ran out of time (see $OUT/build.log)"; }
  done
  echo "built in $(secs "$t0" "$(now_ns)") s"
  WILSON="${WILSON:-$REPO/src/Wilson.Cli/bin/Release/net10.0/wilson}"
  BENCH="${BENCH:-$REPO/bench/Wilson.Bench/bin/Release/net10.0/Wilson.Bench}"
fi
[ -x "$WILSON" ] || unusable "no wilson at $WILSON"
[ -x "$BENCH" ] || unusable "no Wilson.Bench at $BENCH"
# The run's own store: a WILSON_DATABASE of the person's would send it elsewhere.
unset WILSON_DATABASE
wilson() { (cd "$PROJECT" && "$WILSON" "$@"); }

# --- The model --------------------------------------------------------------------------------------------
PROFILE="llama-cpp" SERVER_CTX=""
if [ -n "$GGUF" ]; then
  [ -s "$GGUF" ] || unusable "no model at $GGUF"
  if [ -z "$LLAMA_BIN" ]; then
    LLAMA_BIN="$(command -v llama-server || true)"
    [ -n "$LLAMA_BIN" ] || LLAMA_BIN="$HOME/.cache/realmodel/llama.cpp/build/bin/llama-server"
  fi
  [ -x "$LLAMA_BIN" ] || unusable "no llama-server (looked at \$LLAMA_SERVER, PATH and $LLAMA_BIN): build llama.cpp's llama-server (cmake --build build --target llama-server) and pass --llama-server PATH"
  if curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
    unusable "something already serves on port $PORT: pass --url http://127.0.0.1:$PORT/v1 to use it, or --port N"
  fi
  say "starting llama-server on 127.0.0.1:$PORT with $GGUF"
  nohup "$LLAMA_BIN" -m "$GGUF" --host 127.0.0.1 --port "$PORT" --jinja -c "$CTX" -t "$(nproc)" --alias local-model \
    > "$OUT/llama-server.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$OUT/llama-server.log"; unusable "llama-server exited (see $OUT/llama-server.log)"; }
    [ "$(left)" -gt 0 ] || unusable "llama-server did not become healthy within the time limit"
    sleep 2
  done
  URL="http://127.0.0.1:$PORT/v1"
  MODEL_NAME="local-model"
  echo "serving (pid $SERVER_PID)"
fi

if [ -n "$URL" ]; then
  URL="${URL%/}"
  curl -sf --max-time 30 "$URL/models" > "$OUT/models.json" \
    || unusable "$URL/models does not answer: is the server running? (llama-server: --jinja --alias local-model; the URL ends in /v1)"
  grep -q "\"$MODEL_NAME\"" "$OUT/models.json" || unusable "$URL does not serve '$MODEL_NAME' (it serves: $(head -c 300 "$OUT/models.json")); pass --model NAME"
  # llama-server says its context per slot at /props; another server does not, and the profile's stands.
  if curl -sf --max-time 10 "${URL%/v1}/props" > "$OUT/props.json" 2>/dev/null; then
    SERVER_CTX="$(grep -o '"n_ctx":[0-9]*' "$OUT/props.json" | head -1 | cut -d: -f2)"
  fi
  echo "model: $MODEL_NAME at $URL${SERVER_CTX:+ (llama.cpp, $SERVER_CTX tokens of context per slot)}"
else
  PROFILE="low"
  OLLAMA_URL="${OLLAMA_URL:-http://127.0.0.1:11434}"
  case "$OLLAMA_URL" in http://*|https://*) ;; *) OLLAMA_URL="http://$OLLAMA_URL" ;; esac
  OLLAMA_URL="${OLLAMA_URL%/}"
  curl -sf --max-time 30 "$OLLAMA_URL/api/tags" > "$OUT/tags.json" || unusable "Ollama does not answer at $OLLAMA_URL (ollama serve; or --ollama-url)"
  case "$OLLAMA_MODEL" in *:*) tag="$OLLAMA_MODEL" ;; *) tag="$OLLAMA_MODEL:latest" ;; esac
  grep -q "\"name\":\"$tag\"" "$OUT/tags.json" || unusable "Ollama at $OLLAMA_URL has no $tag: ollama pull $OLLAMA_MODEL"
  MODEL_NAME="$tag"
  echo "model: $MODEL_NAME on Ollama at $OLLAMA_URL"
fi

# --- The project ------------------------------------------------------------------------------------------
say "creating the project in $PROJECT"
mkdir -p "$PROJECT/tests"
cat > "$PROJECT/calc.sh" <<'EOF'
#!/bin/sh
# calc.sh: a tiny calculator. Usage: sh calc.sh COMMAND ARGS...
#   sh calc.sh add 2 3   prints 5
#   sh calc.sh sub 5 3   prints 2
add() { echo $(($1 + $2)); }
sub() { echo $(($2 - $1)); }

cmd="$1"
shift
case "$cmd" in
  add) add "$@" ;;
  sub) sub "$@" ;;
  *) echo "unknown command: $cmd" >&2; exit 2 ;;
esac
EOF
cat > "$PROJECT/test.sh" <<'EOF'
#!/bin/sh
# Runs every tests/test_*.sh from the project's root; a test exits 0 when it passes. Exits 1 if any failed.
failed=0
for t in tests/test_*.sh; do
  if sh "$t"; then echo "PASS $t"; else echo "FAIL $t"; failed=1; fi
done
exit $failed
EOF
cat > "$PROJECT/tests/test_add.sh" <<'EOF'
#!/bin/sh
out=$(sh calc.sh add 2 3)
[ "$out" = "5" ] || { echo "add 2 3: expected 5, got '$out'"; exit 1; }
EOF
cat > "$PROJECT/README.md" <<'EOF'
# calc

`sh calc.sh add 2 3` prints 5. Tests: `sh test.sh` runs every `tests/test_*.sh`.
EOF
commit() { git -C "$PROJECT" -c user.name="${GIT_AUTHOR_NAME:-acceptance}" -c user.email="${GIT_AUTHOR_EMAIL:-acceptance@localhost}" commit -qm "$1"; }
git -C "$PROJECT" init -q -b main && git -C "$PROJECT" add -A && commit "calc: add and sub, with a test" \
  || unusable "git could not create the project"
(cd "$PROJECT" && sh test.sh >/dev/null) || unusable "the project's own tests fail before Wilson starts: this script is broken"

wilson init --profile "$PROFILE" . > "$OUT/init.log" 2>&1 || { cat "$OUT/init.log"; unusable "wilson init failed"; }
YAML="$PROJECT/.wilson/wilson.yaml"
# Edits a line of wilson.yaml in place and checks it took: the profile's text is what it is, and a run
# that silently kept the profile's server or model would measure the wrong thing.
set_yaml() {
  local pattern="$1" replacement="$2"
  grep -Eq "$pattern" "$YAML" || unusable "wilson.yaml has no line matching '$pattern': the $PROFILE profile changed; update set_yaml calls in run.sh"
  sed -E -i "s#$pattern#$replacement#" "$YAML"
}
set_yaml '^(  test_command:) ""$' '\1 "sh test.sh"'
if [ "$PROFILE" = "llama-cpp" ]; then
  set_yaml '^(      url:) http://127\.0\.0\.1:8080/v1$' "\\1 $URL"
  if [ "$MODEL_NAME" != "local-model" ]; then
    sed -i "s#local-model#$MODEL_NAME#g" "$YAML"
  fi
else
  set_yaml '^(      url:) ""$' "\\1 $OLLAMA_URL"
  sed -i "s#qwen2\\.5-coder:3b#$MODEL_NAME#g" "$YAML"
  # The profile's memory figures are its own model's: Ollama says the real ones.
  set_yaml '^(  memory_budget:) .*$' '\1 auto'
  sed -i '/^      size: /d' "$YAML"
fi
if [ -n "$NUM_CTX" ] || [ -n "$SERVER_CTX" ]; then
  set_yaml '^(      num_ctx:) [0-9]+$' "\\1 ${NUM_CTX:-$SERVER_CTX}"
fi
if [ -n "$MAX_OUT" ]; then
  if grep -q '^      max_output_tokens:' "$YAML"; then
    set_yaml '^(      max_output_tokens:) [0-9]+$' "\\1 $MAX_OUT"
  else
    set_yaml '^(      supports_tools:.*)$' "      max_output_tokens: $MAX_OUT\\n\\1"
  fi
fi

# native: the profile as it is; constrained: no native tool calls, each answer one JSON call the server enforces.
set_calls() {
  sed -i '/^      constrained_calls:/d' "$YAML"
  if [ "$1" = constrained ]; then
    set_yaml '^(      )supports_tools: (true|false)$' '\1supports_tools: false\n\1constrained_calls: true'
  else
    set_yaml '^(      )supports_tools: (true|false)$' '\1supports_tools: true'
  fi
}
set_calls "${MODES[0]}"
git -C "$PROJECT" add -A && commit "wilson init --profile $PROFILE, pointed at the model"
echo "wilson.yaml models section:"
sed -n '/^models:/,$p' "$YAML" | grep -v '^ *#'

say "wilson doctor"
wilson doctor > "$OUT/doctor.log" 2>&1
DOCTOR_RC=$?
cat "$OUT/doctor.log"
DOCTOR_VERDICT="$(grep -v '^\s*$' "$OUT/doctor.log" | tail -1)"
[ "$DOCTOR_RC" = 0 ] || unusable "wilson doctor says Wilson cannot work with this model (exit $DOCTOR_RC): $DOCTOR_VERDICT"

# --- The ideas --------------------------------------------------------------------------------------------
IDEAS=(
  "Add a command double to calc.sh: \`sh calc.sh double 4\` prints 8 (twice its argument). Add a test tests/test_double.sh in the style of tests/test_add.sh, so that \`sh test.sh\` runs it."
  "Fix the failing test: \`sh test.sh\` fails on tests/test_sub.sh. Fix the bug in calc.sh so that every test passes; do not change the tests."
)
FAILED_TEST='#!/bin/sh
out=$(sh calc.sh sub 5 3)
[ "$out" = "2" ] || { echo "sub 5 3: expected 2, got '"'"'$out'"'"'"; exit 1; }'
RESERVE=90   # seconds kept back after the last idea for its report and the summary
declare -a RESULTS=()
BROKEN=0
broken() { echo "CHECK FAIL $*"; BROKEN=1; }
held() { echo "CHECK ok   $*"; }

for i in 0 1; do
  n=$((i + 1))
  mode="${MODES[$i]}"
  if [ "$i" = 1 ]; then
    printf '%s\n' "$FAILED_TEST" > "$PROJECT/tests/test_sub.sh"
    git -C "$PROJECT" add tests/test_sub.sh && commit "a failing test: sub 5 3 must print 2"
    (cd "$PROJECT" && sh test.sh >/dev/null 2>&1) && unusable "tests/test_sub.sh passes before the fix: this script is broken"
  fi
  if [ "$mode" != "${MODES[0]}" ] || [ "$i" = 0 ]; then
    set_calls "$mode"
    git -C "$PROJECT" diff --quiet || { git -C "$PROJECT" add -A && commit "acceptance: tool calls $mode"; }
  fi
  before="$(git -C "$PROJECT" rev-parse main)"
  share=$(( ($(left) - RESERVE) / (2 - i) ))
  say "idea $n of 2 ($mode tool calls), at most ${share} s: ${IDEAS[$i]}"
  if [ "$share" -lt 60 ]; then
    broken "idea $n: not run, the time limit left it ${share} s"
    RESULTS+=("idea $n ($mode): not run (out of time)")
    continue
  fi
  t0=$(now_ns)
  # --foreground keeps wilson in this script's process group: stopping the script stops it too.
  (cd "$PROJECT" && timeout --foreground --kill-after=30 "$share" "$WILSON" idea "${IDEAS[$i]}" --wait --workers "$WORKERS") 2>&1 | tee "$OUT/idea-$n.log"
  rc=${PIPESTATUS[0]}
  took="$(secs "$t0" "$(now_ns)")"
  verdict="$(grep -Ev '^\s*$' "$OUT/idea-$n.log" | tail -1)"
  plan="$(grep -oE '\(T-[0-9]+\) is the plan' "$OUT/idea-$n.log" | head -1 | grep -oE 'T-[0-9]+')"
  echo "wilson idea --wait exited $rc after $took s"
  wilson status > "$OUT/status-$n.log" 2>&1
  wilson events --json --limit 1000000 > "$OUT/events-$n.json" 2>/dev/null

  say "idea $n: checks outside the store"
  case "$rc" in
    0|1) held "idea $n: wilson idea --wait ended by itself (exit $rc)" ;;
    124|137) broken "idea $n: Wilson did not end the idea within its ${share} s share of the limit; the script stopped it (exit $rc)" ;;
    *) broken "idea $n: wilson idea --wait crashed or was refused (exit $rc)" ;;
  esac
  ended=0
  case "$rc" in 0|1) ended=1 ;; *) verdict="(none: stopped before it ended)" ;; esac
  if [ "$ended" = 0 ]; then
    :
  elif echo "$verdict" | grep -Eq '^(The plan is done|Nothing was built|[0-9]+ of [0-9]+ items? merged)'; then
    held "idea $n: a verdict line: $verdict"
  else
    broken "idea $n: no verdict line; the last line was: $verdict"
  fi
  after="$(git -C "$PROJECT" rev-parse main)"
  merges="$(git -C "$PROJECT" rev-list --count "$before..$after")"
  tests_now="pass"; (cd "$PROJECT" && sh test.sh > "$OUT/tests-after-$n.log" 2>&1) || tests_now="fail"
  echo "main: $merges new commit(s); sh test.sh on main: $tests_now"
  if [ "$NOTHING_BUILT" = 1 ] && [ "$ended" = 1 ]; then
    echo "$verdict" | grep -Eq '^(Nothing was built|0 of [0-9]+ items? merged)' && held "idea $n: the verdict says nothing was built" \
      || broken "idea $n: the verdict claims something was built: $verdict"
  fi
  if [ "$NOTHING_BUILT" = 1 ]; then
    [ "$after" = "$before" ] && held "idea $n: main did not move" || broken "idea $n: main moved by $merges commit(s) though nothing could be built"
  fi
  if [ "$i" = 0 ]; then
    [ "$tests_now" = pass ] && held "idea $n: main's tests still pass" || broken "idea $n: main's tests fail after the idea (see $OUT/tests-after-$n.log)"
    if [ "$rc" = 0 ]; then
      out="$(cd "$PROJECT" && sh calc.sh double 4 2>&1)"
      [ "$out" = 8 ] && [ -f "$PROJECT/tests/test_double.sh" ] && held "idea $n: exit 0, and double 4 prints 8 with its test" \
        || broken "idea $n: exit 0, but \`sh calc.sh double 4\` prints '$out' or tests/test_double.sh is missing"
    fi
  elif [ "$rc" = 0 ]; then
    [ "$tests_now" = pass ] && held "idea $n: exit 0, and main's tests pass" || broken "idea $n: exit 0, but main's tests fail (see $OUT/tests-after-$n.log)"
    [ "$(git -C "$PROJECT" show main:tests/test_sub.sh 2>/dev/null)" = "$FAILED_TEST" ] && held "idea $n: the failing test was not changed" \
      || broken "idea $n: exit 0, but tests/test_sub.sh was changed: the test was bent, not the bug fixed"
  fi

  if [ -z "$plan" ]; then
    broken "idea $n: no plan item in the output of wilson idea"
    RESULTS+=("idea $n ($mode): exit $rc in $took s, no plan")
    continue
  fi
  say "idea $n: figures and checks from the store ($plan)"
  report_args=(acceptance-report --project "$PROJECT" --plan "$plan" --process-seconds "$took")
  case "$rc" in 0|1) report_args+=(--exit-code "$rc") ;; esac
  [ "$NOTHING_BUILT" = 1 ] && report_args+=(--expect-nothing-built)
  "$BENCH" "${report_args[@]}" | tee "$OUT/report-$n.txt"
  report_rc=${PIPESTATUS[0]}
  [ "$report_rc" = 0 ] || { BROKEN=1; echo "CHECK FAIL idea $n: the report's checks (above) did not all hold (exit $report_rc)"; }
  for key in $(grep -oE '^T-[0-9]+ +(Blocked|Failed|Cancelled|AwaitingApproval)' "$OUT/report-$n.txt" | cut -d' ' -f1); do
    wilson item show "$key" > "$OUT/item-$key.txt" 2>&1
  done
  # An idea stopped at its limit leaves items Ready: cancelled, so the next idea's wait does not pick them up.
  for key in $(grep -oE '^T-[0-9]+ +(Ready|Running|Paused|Draft)' "$OUT/report-$n.txt" | cut -d' ' -f1); do
    echo "cancelling $key, left unfinished by the stopped idea"
    wilson cancel "$key" --reason "acceptance run: the idea was stopped at its time limit" >/dev/null 2>&1
  done
  RESULTS+=("idea $n ($mode): exit $rc in $took s; $verdict")
done

# --- Summary ----------------------------------------------------------------------------------------------
END=$(date +%s)
say "summary"
echo "model: $MODEL_NAME ($PROFILE profile) at ${URL:-$OLLAMA_URL}"
echo "doctor: $DOCTOR_VERDICT"
for line in "${RESULTS[@]}"; do echo "$line"; done
echo "the whole run took $((END - START)) s of its ${LIMIT_MIN} min limit; everything is in $OUT"
if [ "$BROKEN" = 0 ]; then
  echo "every check held"
  exit 0
fi
echo "SOME CHECKS FAILED: see the CHECK FAIL lines above"
exit 1
