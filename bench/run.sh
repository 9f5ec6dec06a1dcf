#!/usr/bin/env bash
# The project's benchmark, one command from the repository root:
#   bench/run.sh [--skip-big] [--skip-cold] [--skip-handler] [--sweep] [--big-mb N]
#                [--latency-rows | --latency-only] [--latency-ms N]
# Builds the CLI jar and the benchmark module (skipping tests) when they are missing or older
# than the sources (the Maven build compiles the benchmark but never runs it), starts moto on a
# free port and prints one table; then (unless --skip-handler) times cold invocations of the
# AWS Lambda handler with .ci/aws-cold-invoke.sh, without and with AppCDS. What it prints on
# stdout is also written to bench/results/YYYY-MM-DD.md (the UTC day; a later run that day is
# appended), with the command, the time and the machine: the dated history of the figures.
# Needs: JDK 17+, Maven, python3 with moto[server] (and boto3, /usr/bin/time for the handler).
set -euo pipefail
cd "$(dirname "$0")/.."

jar=core/target/stance-sync.jar
classes=bench/target/classes
tests_jar() { compgen -G 'core/target/stance-sync-core-*-tests.jar' | head -n 1; }
if [[ ! -f $jar || -z $(tests_jar) || ! -d $classes ]] \
    || [[ -n $(find core/src pom.xml core/pom.xml bench/src bench/pom.xml -newer "$jar" -print -quit) ]]; then
  echo "[bench] building $jar and the benchmark" >&2
  # Tests are compiled (the benchmark uses the tests' in-memory store from core's test jar), not run.
  mvn -B -q -pl bench -am package -DskipTests
fi
tests_jar=$(tests_jar)
python3 -c 'import moto.server' 2>/dev/null || {
  echo "[bench] needs moto's server: pip install 'moto[server]>=5.1,<6'" >&2
  exit 1
}

handler=1
args=()
for a in "$@"; do
  if [[ $a == --skip-handler ]]; then handler=0; else args+=("$a"); fi
done
results=bench/results/$(date -u +%F).md
mkdir -p bench/results
table=$(mktemp)
trap 'rm -f "$table"' EXIT
started=$(date -u +%H:%M)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
{
  java -cp "$classes:$tests_jar:$jar" com.mantissa.stance.sync.bench.Bench --work bench/target/work --core-jar "$jar" "${args[@]}"

if (( handler )); then
  lambda_jar=aws-lambda/target/stance-sync-aws-lambda.jar
  if [[ ! -f $lambda_jar ]] || [[ -n $(find core/src/main aws-lambda/src -newer "$lambda_jar" -print -quit) ]]; then
    echo "[bench] building $lambda_jar" >&2
    mvn -B -q -pl aws-lambda -am package -DskipTests
  fi
  echo
  echo "cold AWS Lambda handler invocation (S3 event, 100 findings, central on moto; JVM launch to exit):"
  CENTRAL=s3 .ci/aws-cold-invoke.sh 5 | sed 's/^aws-cold-invoke: /  /'
  CDS=1 CENTRAL=s3 .ci/aws-cold-invoke.sh 5 | sed 's/^aws-cold-invoke: /  /'
fi
} | tee "$table"

{
  [[ -s $results ]] || printf '# Benchmark results, %s\n' "$(date -u +%F)"
  printf '\n## `bench/run.sh%s`, %s–%s UTC\n\n' "${*:+ $*}" "$started" "$(date -u +%H:%M)"
  printf 'Machine: %s cores, %s; load average %s before the run, %s after; commit %s.\n\n' \
    "$(nproc)" "$(java -version 2>&1 | head -n 1)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  printf '```text\n'
  cat "$table"
  printf '```\n'
} >> "$results"
echo "[bench] table written to $results" >&2
