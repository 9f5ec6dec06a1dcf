# Run from core/src/test/resources/python with CPython 3.11: python3.11 ../../python/gen_model_timestamps.py
# Writes model-timestamps.jsonl: {"value": v, "out": normalised text or null} or {"value": v, "error": true}
# for one datetime field of the original's Finding/Asset.from_dict, which parses every datetime
# field (first_seen, last_seen, created_at) with datetime.fromisoformat: null and "" give null,
# anything fromisoformat refuses (bad text, a number, a boolean, a list, ...) makes from_dict raise.
import datetime, json

def from_dict_field(v):
    if v is None or (isinstance(v, str) and v == ""):
        return None
    return datetime.datetime.fromisoformat(v).isoformat()  # TypeError for non-strings

values = [None, "", "2026-01-01T24:00:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
          "2026-01-01T00:00:00+24:00", "garbage", " ", "2026-01-01T00:00:00Z", "2026-01-01",
          "2024-02-29T23:59:59.999999-23:59", 0, 17, 1.5, -1, True, False, [], ["2026-01-01"], {},
          {"at": "2026-01-01"}]
with open("fromisoformat.jsonl") as f:
    for i, line in enumerate(f):
        if i % 7 == 0:  # a deterministic seventh of the CPython timestamp vectors
            values.append(json.loads(line)["in"])
rows = []
for v in values:
    try:
        rows.append({"value": v, "out": from_dict_field(v)})
    except (ValueError, TypeError):
        rows.append({"value": v, "error": True})
with open("model-timestamps.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
print(len(rows), sum(1 for r in rows if r.get("error")))
