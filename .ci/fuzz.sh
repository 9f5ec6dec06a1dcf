#!/usr/bin/env bash
# Bounded coverage-guided fuzzing of core's Jazzer targets, one JVM per target (Jazzer fuzzes
# one @FuzzTest per run). FUZZ_DURATION per target, default 30s (CI); use e.g. 10m locally.
# A finding fails the run and leaves core/src/test/resources/.../<Class>Inputs/<method>/crash-*:
# fix the bug and commit that file, it then replays under every `mvn test`.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${FUZZ_DURATION:-30s}"
targets=(
  'ScanInputFuzzTest#scanFileReaderYieldsRecordsOrLineErrorsOnly'
  'ScanInputFuzzTest#canonicalJsonOfAnyParsedValueIsAFixedPoint'
  'ScanInputFuzzTest#anyObjectBecomesARecordUnderItsAccountOrAPerRecordError'
  'StorageLocationFuzzTest#anyTextParsesToARoundTrippingLocationOrIllegalArgument'
)
for target in "${targets[@]}"; do
  echo "fuzz: ${target} for ${duration}"
  JAZZER_FUZZ=1 mvn -B -q -pl core -am test -Djazzer.hooks=true -Djazzer.max_duration="${duration}" -Dtest="${target}"
done
echo "fuzz: no findings"
