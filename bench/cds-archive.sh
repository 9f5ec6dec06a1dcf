#!/usr/bin/env bash
# Creates an AppCDS archive (class-data sharing) for the stance-sync CLI jar: one training run
# with -XX:ArchiveClassesAtExit records every class it loads, already parsed and verified, and
# later JVMs map them instead of loading them from the jar (docs/performance.md: about 40 % of
# a cold push's wall time here).
#
#   bench/cds-archive.sh [ARCHIVE] [-- CLI ARGUMENTS FOR THE TRAINING RUN]
#
# ARCHIVE defaults to core/target/stance-sync.jsa. Without CLI arguments the training run pushes
# 100 generated findings into a temporary local folder; to include the cloud SDK's classes, train
# with a push to the kind of central you use (credentials/endpoint from the usual environment):
#   bench/cds-archive.sh app.jsa -- push --central s3://bucket --source scan/ --account 1 --provider aws
# Then run:  java -XX:SharedArchiveFile=ARCHIVE -XX:TieredStopAtLevel=1 -jar core/target/stance-sync.jar ...
# The archive only fits the JVM build and jar it was made with; with any other the JVM warns and
# runs without it (never wrong, only slower), so recreate it after every build or JDK update.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${JAR:-core/target/stance-sync.jar}
archive=core/target/stance-sync.jsa
if [[ $# -gt 0 && $1 != "--" ]]; then
  archive=$1
  shift
fi
[[ ${1:-} == "--" ]] && shift
[[ -f $jar ]] || { echo "no $jar: build it with: mvn -B -q -pl core -am package -DskipTests" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ $# -eq 0 ]]; then
  mkdir -p "$tmp/scan/findings/training"
  for i in $(seq 1 100); do
    printf '{"id": "training-%03d", "severity": "HIGH", "title": "training finding %d", "last_seen": "2024-01-01T00:00:00Z", "compliance_frameworks": ["CIS"]}\n' "$i" "$i"
  done > "$tmp/scan/findings/training/findings.jsonl"
  set -- push --central "$tmp/central" --source "$tmp/scan/findings/training/findings.jsonl" \
    --account 123456789012 --provider aws
fi
rm -f "$archive"
# The training run itself must succeed, or the archive would miss the classes of the real path.
java -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" "$@" >&2
echo "$archive"
