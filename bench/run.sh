#!/usr/bin/env bash
# The project's benchmark (SPEC §6), one command from the repository root:
#   bench/run.sh [--skip-big] [--skip-cold] [--skip-handler] [--sweep] [--big-mb N]
# Builds the CLI jar (skipping tests) when it is missing or older than the sources, compiles
# the benchmark against it (outside the Maven reactor, so `mvn verify` never runs it), starts
# moto on a free port and prints one table; then (unless --skip-handler) times cold invocations
# of the AWS Lambda handler with .ci/aws-cold-invoke.sh, without and with AppCDS.
# Needs: JDK 17+, Maven, python3 with moto[server] (and boto3, /usr/bin/time for the handler).
set -euo pipefail
cd "$(dirname "$0")/.."

jar=core/target/stance-sync.jar
if [[ ! -f $jar ]] || [[ -n $(find core/src/main pom.xml core/pom.xml -newer "$jar" -print -quit) ]]; then
  echo "[bench] building $jar" >&2
  mvn -B -q -pl core -am package -DskipTests
fi
python3 -c 'import moto.server' 2>/dev/null || {
  echo "[bench] needs moto's server: pip install 'moto[server]>=5.1,<6'" >&2
  exit 1
}

out=bench/target/classes
rm -rf "$out"
mkdir -p "$out"
javac -Xlint:all,-processing -Werror --release 17 -cp "$jar" -d "$out" $(find bench/src/main/java -name '*.java')
cp -r bench/src/main/resources/. "$out"/

handler=1
args=()
for a in "$@"; do
  if [[ $a == --skip-handler ]]; then handler=0; else args+=("$a"); fi
done
java -cp "$out:$jar" com.mantissa.stance.sync.bench.Bench --work bench/target/work --core-jar "$jar" "${args[@]}"

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
