#!/usr/bin/env python3
"""Reads a Stance scan the way Stance's storage readers do: snapshots/manifest.json names the
snapshots newest first; the latest one's findings/{id}/findings.jsonl and assets/{id}/assets.jsonl
hold one JSON object per line.

The original Python Stance is not installed where these tests run, so this stands in for its
S3Storage/get_findings/get_assets: it reads a folder, or s3://bucket/prefix through boto3 (which
honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL like the Java SDK).

Usage: stance_scan_reader.py LOCATION  ->  prints {"snapshot", "findings": [...], "assets": [...]}
"""
import json
import os
import sys


def opener(location):
    if location.startswith("s3://"):
        import boto3
        bucket, _, prefix = location[len("s3://"):].partition("/")
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        client = boto3.client("s3", endpoint_url=endpoint)

        def read(key):
            full = (prefix.rstrip("/") + "/" + key) if prefix else key
            return client.get_object(Bucket=bucket, Key=full)["Body"].read().decode("utf-8")
        return read

    def read(key):
        with open(os.path.join(location, key), encoding="utf-8") as f:
            return f.read()
    return read


def main():
    read = opener(sys.argv[1])
    manifest = json.loads(read("snapshots/manifest.json"))
    snapshot = manifest["snapshots"][0]["id"]
    out = {"snapshot": snapshot, "manifest": manifest}
    for kind in ("findings", "assets"):
        text = read("%s/%s/%s.jsonl" % (kind, snapshot, kind))
        out[kind] = [json.loads(line) for line in text.splitlines() if line.strip()]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
