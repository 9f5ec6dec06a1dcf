#!/usr/bin/env python3
"""A transcription of the original Python push (stance.aggregation.sync), for the benchmark.

NOT the original: the original is not installed here. This is a faithful transcription of its
push algorithm as its API documents it, written to time it side by side with stance-sync on
the same S3-compatible server: for every record, one after another, read the central record
(GET; absent -> None), resolve (LATEST_WINS: overwrite only if local last_seen, else
_synced_at, is strictly newer; CENTRAL_WINS: skip; LOCAL_WINS: overwrite), and write it
with an unconditional PUT of json.dumps(record, sort_keys=True). The model normalisation is
reduced to filling the documented default keys; the requests, their order and their sizes are
the original's.

usage: original_push.py --endpoint URL --bucket B --source DIR --account ID [--prefix P]
prints: RESULT synced=N skipped=N requests=N seconds=S
"""
import argparse
import datetime
import hashlib
import json
import os
import time

import boto3
from botocore.config import Config

FINDING_DEFAULTS = {
    "asset_id": "", "finding_type": "", "severity": "", "status": "", "title": "", "description": "",
    "first_seen": None, "last_seen": None, "rule_id": "", "resource_path": "", "expected_value": "",
    "actual_value": "", "cve_id": "", "cvss_score": None, "package_name": "", "installed_version": "",
    "fixed_version": "", "compliance_frameworks": [], "remediation_guidance": "",
}
ASSET_DEFAULTS = {
    "cloud_provider": "aws", "account_id": "", "region": "", "resource_type": "", "name": "", "tags": {},
    "network_exposure": "internal", "created_at": None, "last_seen": None, "raw_config": {},
}


def parse_time(value):
    if not value:
        return None
    t = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


def record_path(prefix, kind, account, record_id):
    bucket = hashlib.md5(record_id.encode()).hexdigest()[:4]
    name = record_id if kind == "findings" else record_id.replace("/", "_").replace(":", "_")
    return f"{prefix}/{kind}/{bucket}/{account}/{name}.json"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--bucket", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--account", required=True)
    p.add_argument("--prefix", default="aggregated")
    p.add_argument("--provider", default="aws")
    a = p.parse_args()
    s3 = boto3.client("s3", endpoint_url=a.endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                      region_name="us-east-1", config=Config(retries={"mode": "standard"}))
    requests = synced = skipped = 0
    started = time.monotonic()
    for kind, defaults in (("findings", FINDING_DEFAULTS), ("assets", ASSET_DEFAULTS)):
        for root, _, files in sorted(os.walk(os.path.join(a.source, kind))):
            for name in sorted(files):
                if not name.endswith(".jsonl"):
                    continue
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    for line in f:
                        if not line.strip():
                            continue
                        raw = json.loads(line)
                        model = {**defaults, **raw}
                        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
                        record = dict(model)
                        record["_source_account"] = a.account
                        record["_source_provider"] = a.provider
                        record["_synced_at"] = now.isoformat()
                        content = {k: v for k, v in record.items() if not k.startswith("_")}
                        record["_checksum"] = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
                        path = record_path(a.prefix, kind, a.account, raw["id"])
                        requests += 1
                        try:
                            central = json.loads(s3.get_object(Bucket=a.bucket, Key=path)["Body"].read())
                        except s3.exceptions.NoSuchKey:
                            central = None
                        if central is not None:
                            local_t = parse_time(record.get("last_seen")) or parse_time(record["_synced_at"])
                            central_t = parse_time(central.get("last_seen")) or parse_time(central.get("_synced_at"))
                            if central_t is not None and local_t is not None and not local_t > central_t:
                                skipped += 1
                                continue
                        requests += 1
                        s3.put_object(Bucket=a.bucket, Key=path, Body=json.dumps(record, sort_keys=True).encode())
                        synced += 1
    print(f"RESULT synced={synced} skipped={skipped} requests={requests} seconds={time.monotonic() - started:.3f}")


if __name__ == "__main__":
    main()
