#!/usr/bin/env bash
# Bounded coverage-guided fuzzing of core's Jazzer targets, one JVM per target (Jazzer fuzzes
# one @FuzzTest per run). FUZZ_DURATION per target, default 30s (CI); use e.g. 10m locally.
# A finding fails the run and leaves core/src/test/resources/.../<Class>Inputs/<method>/crash-*:
# fix the bug and commit that file, it then replays under every `mvn test`.
# Each run starts from the tracked corpus in core/src/test/fuzz-corpus/<Class>/<method>/ (see its
# README), copied into Jazzer's working corpus folder, core/.cifuzz-corpus/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${FUZZ_DURATION:-30s}"
targets=(
  'ScanInputFuzzTest#scanFileReaderYieldsRecordsOrLineErrorsOnly'
  'ScanInputFuzzTest#canonicalJsonOfAnyParsedValueIsAFixedPoint'
  'ScanInputFuzzTest#anyObjectBecomesARecordUnderItsAccountOrAPerRecordError'
  'StorageLocationFuzzTest#anyTextParsesToARoundTrippingLocationOrIllegalArgument'
)

# The fully qualified name of a test class, from where its source file is.
qualified_name() {
  local source
  source=$(find core/src/test/java -name "$1.java" | head -1)
  [ -n "$source" ] || { echo "fuzz: no test class $1 under core/src/test/java" >&2; exit 1; }
  source=${source#core/src/test/java/}
  source=${source%.java}
  echo "${source//\//.}"
}

for target in "${targets[@]}"; do
  class=${target%%#*}
  method=${target#*#}
  kept="core/src/test/fuzz-corpus/${class}/${method}"
  if [ -d "$kept" ]; then
    working="core/.cifuzz-corpus/$(qualified_name "$class")/${method}"
    mkdir -p "$working"
    cp -n "$kept"/* "$working"/
  fi
  echo "fuzz: ${target} for ${duration}"
  JAZZER_FUZZ=1 mvn -B -q -pl core -am test -Djazzer.hooks=true -Djazzer.max_duration="${duration}" -Dtest="${target}"
done
echo "fuzz: no findings"
