#!/usr/bin/env bash
# Trust checks through the CLI jar, as a new user would run it: a large file under a small heap,
# bad datetimes against newer central records, duplicate ids, misconfigured central stores,
# long ids, oddly named files, a .jsonl starting with an array line, a tampered checksum, and a
# central edited out of band. Everything lives in a temporary folder that is removed on exit.
#
# Usage: .ci/check-trust.sh            (builds core/target/stance-sync.jar if missing or stale)
#   TRUST_LARGE_MB=256                 size of the large findings.jsonl (default 256; the heap is 128 MB)
#   TRUST_KEEP=1                       keep the temporary folder for inspection
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=core/target/stance-sync.jar
if [ ! -f "$JAR" ] || [ -n "$(find core/src/main core/pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "check-trust: building $JAR"
  mvn -B -q -pl core -am package -DskipTests
fi
LARGE_MB="${TRUST_LARGE_MB:-256}"
WORK=$(mktemp -d)
if [ -z "${TRUST_KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "check-trust: data in $WORK"; fi

FAILED=0
fail() { echo "check-trust: FAIL [$SCENARIO] $*" >&2; FAILED=$((FAILED + 1)); }
pass() { echo "check-trust: ok   [$SCENARIO] $*"; }
cli() { java ${JAVA_OPTS:-} -jar "$JAR" "$@"; }
# run OUT_PREFIX args...: stdout/stderr to files, exit code in $RC
run() { local out=$1; shift; set +e; cli "$@" >"$out.out" 2>"$out.err"; RC=$?; set -e; }
py() { python3 - "$@"; }

# A finding line: id, last_seen, optional extra JSON members.
finding() { # id last_seen [first_seen]; ids and values here need no JSON escaping
  printf '{"id": "%s", "asset_id": "asset-%s", "finding_type": "misconfiguration", "severity": "high", "status": "open", "title": "t", "description": "d", "first_seen": "%s", "last_seen": "%s"}\n' \
    "$1" "${1:0:20}" "${3:-2024-01-01T00:00:00+00:00}" "$2"
}
# The stored file of a record (empty when central has none): {central}/aggregated/{kind}/{hash}/{account}/{id}.json
stored() { # central kind account id
  local f
  for f in "$1/aggregated/$2"/*/"$3/$4.json"; do
    if [ -f "$f" ]; then echo "$f"; return; fi
  done
}
json_field() { # file field
  py "$1" "$2" <<'EOF'
import json, sys
print(json.load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2]))
EOF
}
result_field() { # file.out field -> value from the --json result
  py "$1" "$2" <<'EOF'
import json, sys
print(json.loads(open(sys.argv[1], encoding="utf-8").read()).get(sys.argv[2]))
EOF
}
count_records() { # central kind -> number of stored .json records
  local d="$1/aggregated/$2"
  if [ -d "$d" ]; then find "$d" -name '*.json' -type f | wc -l; else echo 0; fi
}

# Seeds central with the newer records in $4, then pushes $5: the same ids with invalid values.
# That push must fail, the python check on stdin (given the --json result and the invalid values)
# must pass, and central must still hold every newer record of kind $2, ids $3-0, $3-1, ...
push_invalid_over_newer() { # name kind id-prefix newer-source older-source pass-message
  local name=$1 kind=$2 prefix=$3 newer=$4 older=$5 message=$6 ok=1 i f
  # The CLI runs with no stdin: this function's stdin is the python check.
  run "$S/${name}1" push --source "$newer" --central "$S/central" --provider aws --account 222222222222 --json </dev/null
  [ "$RC" -eq 0 ] || fail "seeding newer $kind: exit $RC $(cat "$S/${name}1.err")"
  run "$S/${name}2" push --source "$older" --central "$S/central" --provider aws --account 222222222222 --json </dev/null
  [ "$RC" -ne 0 ] || { fail "push of invalid datetimes exited 0"; ok=0; }
  py "$S/${name}2.out" "${BAD[@]}" || ok=0
  for i in "${!BAD[@]}"; do
    f=$(stored "$S/central" "$kind" 222222222222 "$prefix-$i")
    if [ -z "$f" ]; then fail "$prefix-$i missing from central"; ok=0; continue; fi
    grep -q '"last_seen": "2025-06-01T00:00:00+00:00"' "$f" || { fail "$prefix-$i replaced: $(cat "$f")"; ok=0; }
  done
  if [ $ok -eq 1 ]; then pass "$message"; else FAILED=$((FAILED + 1)); fi
}

# ---------------------------------------------------------------------------------------------
SCENARIO="1 large file, small heap"
S="$WORK/s1"; mkdir -p "$S"
py "$S/findings.jsonl" "$LARGE_MB" <<'EOF'
import json, sys
path, mb = sys.argv[1], int(sys.argv[2])
pad = "x" * 40000
n = mb * 1024 * 1024 // 40200
with open(path, "w") as f:
    for i in range(n):
        f.write(json.dumps({"id": "big-%06d" % i, "asset_id": "a", "finding_type": "misconfiguration",
                            "severity": "low", "status": "open", "title": "t", "description": pad,
                            "first_seen": "2024-01-01T00:00:00+00:00",
                            "last_seen": "2024-01-02T00:00:00+00:00"}) + "\n")
print(n, file=open(path + ".count", "w"))
EOF
N1=$(cat "$S/findings.jsonl.count")
t0=$(date +%s)
JAVA_OPTS="-Xmx128m" run "$S/push" push --source "$S/findings.jsonl" --central "$S/central" \
  --provider aws --account 111111111111 --batch-size 50 --json
t1=$(date +%s)
if [ "$RC" -ne 0 ]; then fail "exit $RC: $(tail -c 600 "$S/push.err")"
elif [ "$(result_field "$S/push.out" records_synced)" != "$N1" ]; then fail "synced $(result_field "$S/push.out" records_synced) of $N1"
elif [ "$(count_records "$S/central" findings)" != "$N1" ]; then fail "central holds $(count_records "$S/central" findings) of $N1"
else pass "$N1 records (~${LARGE_MB} MB) under -Xmx128m in $((t1 - t0))s"; fi
rm -rf "$S"

# ---------------------------------------------------------------------------------------------
SCENARIO="2 invalid datetimes"
S="$WORK/s2"; mkdir -p "$S/new" "$S/old"
BAD=('"2026-01-01T24:00:00Z"' '"2025-02-30T00:00:00+00:00"' '"2025-13-01T00:00:00+00:00"'
     '"2025-01-01T00:00:00+24:00"' '"garbage"' '12345' 'true')
: >"$S/new/findings.jsonl"; : >"$S/old/findings.jsonl"
for i in "${!BAD[@]}"; do
  finding "dt-$i" "2025-06-01T00:00:00+00:00" >>"$S/new/findings.jsonl"
done
# stale records: last_seen invalid (lines 1-7), then first_seen invalid (lines 8-14)
for i in "${!BAD[@]}"; do
  finding "dt-$i" "X" | sed "s/\"last_seen\": \"X\"/\"last_seen\": ${BAD[$i]}/" >>"$S/old/findings.jsonl"
done
for i in "${!BAD[@]}"; do
  finding "dt-$i" "2024-01-01T00:00:00+00:00" "X" | sed "s/\"first_seen\": \"X\"/\"first_seen\": ${BAD[$i]}/" >>"$S/old/findings.jsonl"
done
push_invalid_over_newer p findings dt "$S/new/findings.jsonl" "$S/old/findings.jsonl" \
  "${#BAD[@]} values x 2 fields rejected with file, line, field, value; central kept newer records" <<'EOF'
import json, sys
res = json.loads(open(sys.argv[1], encoding="utf-8").read())
bad = sys.argv[2:]
errors = [str(e) for e in res.get("errors", [])]
problems = []
if res.get("records_synced", 0) != 0:
    problems.append("records_synced=%s, expected 0" % res.get("records_synced"))
for field, offset in (("last_seen", 1), ("first_seen", 1 + len(bad))):
    for i, value in enumerate(bad):
        line = offset + i
        shown = value.strip('"')
        hits = [e for e in errors if "findings.jsonl" in e and ("line %d" % line) in e.lower()
                and field in e and shown in e]
        if len(hits) != 1:
            problems.append("no single error naming findings.jsonl, line %d, %s, %s" % (line, field, shown))
if problems:
    print("check-trust: FAIL [2 invalid datetimes] " + "; ".join(problems), file=sys.stderr)
    print("  errors were: " + json.dumps(errors)[:3000], file=sys.stderr)
    sys.exit(1)
EOF

SCENARIO="2 invalid datetimes of assets"
# Both datetime fields of an asset; the newer asset is in central first.
asset() { # id created_at-json last_seen-json
  printf '{"id": "%s", "cloud_provider": "aws", "account_id": "222222222222", "region": "us-east-1", "resource_type": "bucket", "name": "n", "tags": {}, "network_exposure": "internal", "created_at": %s, "last_seen": %s, "raw_config": {}}\n' "$1" "$2" "$3"
}
mkdir -p "$S/anew" "$S/aold"
: >"$S/anew/assets.jsonl"; : >"$S/aold/assets.jsonl"
for i in "${!BAD[@]}"; do
  asset "as-$i" '"2024-01-01T00:00:00+00:00"' '"2025-06-01T00:00:00+00:00"' >>"$S/anew/assets.jsonl"
done
for i in "${!BAD[@]}"; do asset "as-$i" '"2024-01-01T00:00:00+00:00"' "${BAD[$i]}" >>"$S/aold/assets.jsonl"; done
for i in "${!BAD[@]}"; do asset "as-$i" "${BAD[$i]}" '"2024-01-01T00:00:00+00:00"' >>"$S/aold/assets.jsonl"; done
push_invalid_over_newer a assets as "$S/anew" "$S/aold" \
  "created_at and last_seen of assets rejected per record; central kept newer assets" <<'EOF'
import json, sys
res = json.loads(open(sys.argv[1], encoding="utf-8").read())
n = len(sys.argv[2:])
errors = [str(e) for e in res.get("errors", [])]
problems = []
if res.get("records_synced", 0) != 0:
    problems.append("records_synced=%s, expected 0" % res.get("records_synced"))
for line in range(1, 2 * n + 1):
    field = "last_seen" if line <= n else "created_at"
    hits = [e for e in errors if "assets.jsonl" in e and ("line %d" % line) in e.lower() and field in e]
    if len(hits) != 1:
        problems.append("no single error naming assets.jsonl, line %d, %s" % (line, field))
if problems:
    print("check-trust: FAIL [2 invalid datetimes of assets] " + "; ".join(problems), file=sys.stderr)
    print("  errors were: " + json.dumps(errors)[:3000], file=sys.stderr)
    sys.exit(1)
EOF

SCENARIO="2 datetimes CPython 3.11 accepts"
GOOD=('2026-01-01' '20260101T000000Z' '2026-01-01 00:00' '2026-01-01T00:00:00+05' '2026-01-01T00:00:00,5Z'
      '2026-01-01T00:00:00.1234567' '2026-W01-1T00:00')
: >"$S/good.jsonl"
for i in "${!GOOD[@]}"; do finding "ok-$i" "${GOOD[$i]}" >>"$S/good.jsonl"; done
run "$S/g" push --source "$S/good.jsonl" --kind findings --central "$S/central" --provider aws --account 222222222222 --json
if [ "$RC" -ne 0 ] || [ "$(result_field "$S/g.out" records_synced)" != "${#GOOD[@]}" ]; then
  fail "valid ISO forms refused: exit $RC $(head -c 1500 "$S/g.out")"
else pass "${#GOOD[@]} forms that datetime.fromisoformat accepts are accepted"; fi

# ---------------------------------------------------------------------------------------------
SCENARIO="3 duplicate ids"
S="$WORK/s3"; mkdir -p "$S"
py "$S/findings.jsonl" <<'EOF'
import json, sys
# 40 ids, each 6 times: equal last_seen (first must win) and one later one in the middle.
with open(sys.argv[1], "w") as f:
    for rep in range(6):
        for i in range(40):
            last = "2025-03-01T00:00:00+00:00" if rep == 3 and i % 2 else "2025-01-01T00:00:00+00:00"
            f.write(json.dumps({"id": "dup-%02d" % i, "asset_id": "a", "finding_type": "misconfiguration",
                                "severity": "low", "status": "open", "title": "copy-%d" % rep,
                                "description": "d", "first_seen": "2024-01-01T00:00:00+00:00",
                                "last_seen": last}) + "\n")
EOF
snapshot() { # central -> stable digest of records without _synced_at
  py "$1" <<'EOF'
import json, os, sys, hashlib
h = hashlib.sha256()
root = os.path.join(sys.argv[1], "aggregated", "findings")
for d, _, files in sorted(os.walk(root)):
    for n in sorted(files):
        rec = json.load(open(os.path.join(d, n), encoding="utf-8"))
        rec.pop("_synced_at", None)
        h.update(os.path.relpath(os.path.join(d, n), root).encode() + json.dumps(rec, sort_keys=True).encode())
print(h.hexdigest())
EOF
}
titles() {
  py "$1" <<'EOF'
import json, os, sys
root = os.path.join(sys.argv[1], "aggregated", "findings")
out = {}
for d, _, files in os.walk(root):
    for n in files:
        r = json.load(open(os.path.join(d, n), encoding="utf-8")); out[r["id"]] = r["title"]
print(" ".join("%s=%s" % kv for kv in sorted(out.items())))
EOF
}
run "$S/ref" push --source "$S/findings.jsonl" --central "$S/ref" --provider aws --account 333333333333 --concurrency 1 --no-index
REF=$(snapshot "$S/ref"); REFT=$(titles "$S/ref")
expected=$(py <<'EOF'
print(" ".join("dup-%02d=%s" % (i, "copy-3" if i % 2 else "copy-0") for i in range(40)))
EOF
)
ok=1
[ "$REFT" = "$expected" ] || { fail "--concurrency 1 outcome is not in-order first-of-equal: $REFT"; ok=0; }
for k in 1 2 3; do
  rm -rf "$S/c"
  run "$S/p$k" push --source "$S/findings.jsonl" --central "$S/c" --provider aws --account 333333333333
  [ "$RC" -eq 0 ] || { fail "run $k exit $RC"; ok=0; }
  [ "$(snapshot "$S/c")" = "$REF" ] || { fail "run $k differs from --concurrency 1: $(titles "$S/c")"; ok=0; }
done
# The same file again into the same centrals: still one outcome.
for k in 1 2; do
  run "$S/r$k" push --source "$S/findings.jsonl" --central "$S/ref" --provider aws --account 333333333333 --concurrency 1
  run "$S/q$k" push --source "$S/findings.jsonl" --central "$S/c" --provider aws --account 333333333333
  REF=$(snapshot "$S/ref")
  [ "$(snapshot "$S/c")" = "$REF" ] || { fail "re-push $k differs from --concurrency 1: $(titles "$S/c")"; ok=0; }
done
[ $ok -eq 1 ] && pass "3 fresh pushes and 2 re-pushes at default concurrency equal the --concurrency 1 outcome"

# ---------------------------------------------------------------------------------------------
SCENARIO="4 misconfiguration"
S="$WORK/s4"; mkdir -p "$S"
cp "$WORK/s3/findings.jsonl" "$S/findings.jsonl"
echo "not a folder" >"$S/central-file"
run "$S/f" push --source "$S/findings.jsonl" --central "$S/central-file" --provider aws --account 444444444444
lines=$(grep -c . "$S/f.err" || true)
if [ "$RC" -ne 2 ]; then fail "central is a file: exit $RC, expected 2: $(head -c 400 "$S/f.err")"
elif [ "$lines" -ne 1 ]; then fail "central is a file: $lines stderr lines, expected 1: $(head -c 400 "$S/f.err")"
elif ! grep -q "central-file" "$S/f.err"; then fail "central is a file: error does not name it: $(cat "$S/f.err")"
else pass "central is a regular file: one error naming it, exit 2"; fi
run "$S/fj" push --source "$S/findings.jsonl" --central "$S/central-file" --provider aws --account 444444444444 --json
py "$S/fj.out" <<'EOF' || fail "central is a file, --json: stdout is not the one error object: $(head -c 400 "$S/fj.out")"
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o.get("success") is False and o.get("exit_code") == 2 and "central-file" in o.get("error", ""), o
EOF
[ "$RC" -eq 2 ] || fail "central is a file, --json: exit $RC"
run "$S/m" pull --central "$S/no-such-folder" --target "$S/target"
if [ "$RC" -eq 0 ]; then fail "pull from a missing folder exited 0: $(cat "$S/m.out" "$S/m.err")"
elif ! grep -q "no-such-folder" "$S/m.err"; then fail "pull from a missing folder: error does not name it: $(cat "$S/m.err")"
else pass "pull from a missing folder: exit $RC naming it"; fi
for args in "push --json --source $S/findings.jsonl" "push --json --source $S/findings.jsonl --central $S/c --provider nope --account 1" \
            "pull --json --central $S/c --target $S/t --bogus-option" "push --json --source $S/findings.jsonl --central $S/c --provider aws --account 1 --batch-size 0"; do
  # shellcheck disable=SC2086
  run "$S/u" $args
  if ! py "$S/u.out" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
o = json.loads(text)  # exactly one JSON document, else this raises
assert set(o) == {"success", "error", "exit_code"}, o
assert o["success"] is False and o["exit_code"] == 2 and isinstance(o["error"], str) and o["error"], o
EOF
  then fail "--json usage error ($args): stdout is not exactly one error object: $(head -c 400 "$S/u.out")"
  elif [ "$RC" -ne 2 ]; then fail "--json usage error ($args): exit $RC"
  else pass "--json usage error (${args%% --source*}...): one JSON error object, exit 2"; fi
done

# ---------------------------------------------------------------------------------------------
SCENARIO="5 long ids"
S="$WORK/s5"; mkdir -p "$S"
: >"$S/findings.jsonl"
for n in 230 240 245 250; do finding "$(printf 'L%.0s' $(seq $n))" "2025-01-01T00:00:00+00:00" >>"$S/findings.jsonl"; done
for n in 251 255 300; do finding "$(printf 'O%.0s' $(seq $n))" "2025-01-01T00:00:00+00:00" >>"$S/findings.jsonl"; done
run "$S/p" push --source "$S/findings.jsonl" --central "$S/central" --provider aws --account 555555555555 --json
ok=1
py "$S/p.out" <<'EOF' || ok=0
import json, sys
res = json.loads(open(sys.argv[1]).read())
errs = [str(e) for e in res["errors"]]
problems = []
if res["records_synced"] != 4:
    problems.append("synced %s, expected the 4 ids of 230-250 bytes" % res["records_synced"])
for line in (5, 6, 7):
    hits = [e for e in errs if ("line %d" % line) in e.lower() and "255" in e]
    if len(hits) != 1:
        problems.append("line %d (id over the 255-byte name limit): no single error naming the limit" % line)
if any("too long" in e.lower() and "255" not in e for e in errs):
    problems.append("a raw 'too long' error")
if problems:
    print("check-trust: FAIL [5 long ids] " + "; ".join(problems) + "\n  errors: " + json.dumps(errs)[:2000], file=sys.stderr)
    sys.exit(1)
EOF
run "$S/pl" pull --central "$S/central" --target "$S/target" --json
if [ "$RC" -ne 0 ]; then fail "pull of long ids into a folder: exit $RC $(head -c 600 "$S/pl.out" "$S/pl.err")"; ok=0
elif [ "$(count_records "$S/target" findings)" != 4 ]; then fail "pulled $(count_records "$S/target" findings) of 4 long ids"; ok=0; fi
[ $ok -eq 1 ] && pass "ids of 230-250 bytes pushed and pulled; 251, 255, 300 bytes rejected naming the limit"
[ $ok -eq 1 ] || FAILED=$((FAILED + 1))

# ---------------------------------------------------------------------------------------------
SCENARIO="6 file names and kind"
S="$WORK/s6"; mkdir -p "$S"
asset_line='{"id": "res-1", "cloud_provider": "gcp", "account_id": "proj", "region": "us", "resource_type": "bucket", "name": "b", "tags": {"k": "v"}, "network_exposure": "internal", "created_at": "2024-01-01T00:00:00+00:00", "last_seen": "2024-01-02T00:00:00+00:00", "raw_config": {"x": 1}}'
echo "$asset_line" >"$S/gcp-assets-export.jsonl"
run "$S/o" push --source "$S/gcp-assets-export.jsonl" --central "$S/central" --provider gcp --account proj
if [ "$RC" -ne 2 ]; then fail "gcp-assets-export.jsonl: exit $RC, expected 2"
elif ! grep -q -- "--kind" "$S/o.err"; then fail "gcp-assets-export.jsonl: error does not ask for --kind: $(cat "$S/o.err")"
elif [ -e "$S/central/aggregated/findings" ]; then fail "gcp-assets-export.jsonl: something landed under findings/"
else pass "gcp-assets-export.jsonl: exit 2 asking for --kind"; fi
run "$S/ok" push --source "$S/gcp-assets-export.jsonl" --kind assets --central "$S/central" --provider gcp --account proj
[ "$RC" -eq 0 ] && [ -n "$(stored "$S/central" assets proj res-1)" ] && pass "--kind assets lands under assets/" \
  || fail "--kind assets: exit $RC, stored: $(stored "$S/central" assets proj res-1)"
mkdir -p "$S/x"; echo "$asset_line" | sed 's/res-1/res-2/' >"$S/x/Assets.jsonl"
run "$S/A" push --source "$S/x/Assets.jsonl" --central "$S/central" --provider gcp --account proj
f=$(stored "$S/central" assets proj res-2)
if [ "$RC" -ne 0 ] || [ -z "$f" ]; then fail "Assets.jsonl: exit $RC, not under assets/: $(cat "$S/A.err")"
elif [ -n "$(stored "$S/central" findings proj res-2)" ]; then fail "Assets.jsonl: landed under findings/"
elif [ "$(json_field "$f" resource_type)" != "bucket" ]; then fail "Assets.jsonl: asset fields dropped: $(cat "$f")"
else pass "Assets.jsonl lands under assets/ with its fields"; fi

# ---------------------------------------------------------------------------------------------
SCENARIO="7 jsonl starting with an array line"
S="$WORK/s7"; mkdir -p "$S"
{ echo '[{"id": "arr-0", "last_seen": "2025-01-01T00:00:00+00:00"}]'
  for i in 1 2 3; do finding "arr-$i" "2025-01-01T00:00:00+00:00"; done; } >"$S/findings.jsonl"
run "$S/p" push --source "$S/findings.jsonl" --central "$S/central" --provider aws --account 777777777777 --json
py "$S/p.out" <<'EOF' && pass "line 1 is one error, lines 2-4 synced" || fail "array first line: $(head -c 800 "$S/p.out") $(head -c 400 "$S/p.err")"
import json, sys
res = json.loads(open(sys.argv[1]).read())
errs = [str(e) for e in res["errors"]]
assert res["records_synced"] == 3, res
assert len(errs) == 1 and "line 1" in errs[0].lower(), errs
EOF
[ "$(count_records "$S/central" findings)" = 3 ] || fail "central holds $(count_records "$S/central" findings) records, expected 3"

# ---------------------------------------------------------------------------------------------
SCENARIO="8 tampered _checksum"
S="$WORK/s8"; mkdir -p "$S"
for i in 1 2 3; do finding "ck-$i" "2025-01-01T00:00:00+00:00"; done >"$S/findings.jsonl"
run "$S/p" push --source "$S/findings.jsonl" --central "$S/central" --provider aws --account 888888888888
f=$(stored "$S/central" findings 888888888888 ck-2)
py "$f" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8")); r["_checksum"] = 123
json.dump(r, open(sys.argv[1], "w", encoding="utf-8"))
EOF
run "$S/pl" pull --central "$S/central" --target "$S/target" --json
if [ "$RC" -eq 0 ]; then fail "pull with a tampered checksum exited 0"
elif [ -n "$(stored "$S/target" findings 888888888888 ck-2)" ]; then fail "tampered record was copied"
elif ! grep -qi "checksum" "$S/pl.out"; then fail "no checksum mismatch reported: $(head -c 600 "$S/pl.out")"
elif [ "$(count_records "$S/target" findings)" != 2 ]; then fail "pulled $(count_records "$S/target" findings), expected the 2 intact records"
else pass "_checksum 123 reported as a mismatch, not copied; the others copied"; fi

# ---------------------------------------------------------------------------------------------
SCENARIO="9 out-of-band changes heal"
S="$WORK/s9"; mkdir -p "$S"
for i in $(seq 1 10); do finding "heal-$i" "2025-01-01T00:00:00+00:00"; done >"$S/findings.jsonl"
run "$S/p1" push --source "$S/findings.jsonl" --central "$S/central" --provider aws --account 999999999999
run "$S/p2" push --source "$S/findings.jsonl" --central "$S/central" --provider aws --account 999999999999 --json
[ "$(result_field "$S/p2.out" records_skipped)" = 10 ] || fail "second push did not skip the 10 unchanged records: $(cat "$S/p2.out")"
rm -f "$(stored "$S/central" findings 999999999999 heal-1)" "$(stored "$S/central" findings 999999999999 heal-2)"
# heal-3: content edited, checksum left stale; heal-5: edited with a checksum that is not the
# content's; heal-6: truncated to invalid JSON. (A record edited without any _checksum is a
# record written with --no-checksum: unverifiable, not corrupt, so it is not expected to heal.)
for i in 3 5 6; do
  py "$(stored "$S/central" findings 999999999999 "heal-$i")" "$i" <<'EOF'
import json, sys
p, i = sys.argv[1], sys.argv[2]
r = json.load(open(p, encoding="utf-8"))
if i == "3": r["title"] = "edited by an operator"
if i == "5": r["title"] = "edited"; r["_checksum"] = "0" * 64
text = json.dumps(r)
if i == "6": text = text[: len(text) // 2]
open(p, "w", encoding="utf-8").write(text)
EOF
done
run "$S/p3" push --source "$S/findings.jsonl" --central "$S/central" --provider aws --account 999999999999 --json --index-max-age 0
ok=1
[ "$RC" -eq 0 ] || { fail "re-push exit $RC: $(head -c 600 "$S/p3.out") $(head -c 400 "$S/p3.err")"; ok=0; }
for i in 1 2 3 5 6; do
  f=$(stored "$S/central" findings 999999999999 "heal-$i")
  if [ -z "$f" ]; then fail "heal-$i not recreated"; ok=0
  elif ! grep -q '"title": "t"[,}]' "$f"; then fail "heal-$i not restored: $(head -c 300 "$f")"; ok=0; fi
done
# A stale checksum is corrupt, not newer: replaced under the strategies that keep central too.
for strategy in central_wins merge; do
  f=$(stored "$S/central" findings 999999999999 heal-3)
  sed -i 's/"title": "t"/"title": "edited again"/' "$f"
  run "$S/c-$strategy" push --source "$S/findings.jsonl" --central "$S/central" --provider aws \
    --account 999999999999 --conflict "$strategy" --index-max-age 0
  grep -q '"title": "t"[,}]' "$f" || { fail "--conflict $strategy kept a record whose checksum does not verify"; ok=0; }
done
run "$S/pl" pull --central "$S/central" --target "$S/target" --json
[ "$RC" -eq 0 ] && [ "$(count_records "$S/target" findings)" = 10 ] \
  || { fail "after healing, pull verified $(count_records "$S/target" findings) of 10: $(head -c 600 "$S/pl.out")"; ok=0; }
[ $ok -eq 1 ] && pass "deleted, edited, wrongly checksummed and truncated records healed (latest_wins, central_wins, merge); all 10 verify on pull"

# ---------------------------------------------------------------------------------------------
if [ "$FAILED" -ne 0 ]; then
  echo "check-trust: $FAILED expectation(s) failed" >&2
  exit 1
fi
echo "check-trust: all scenarios passed"
