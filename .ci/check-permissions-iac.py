#!/usr/bin/env python3
"""Holds every template's grants to the permissions table (docs/permissions.json), which
FunctionStoreOperationsTest records from what the functions do.

* template.yaml: transformed with the SAM translator and resolved for several parameter sets
  (defaults; a hub with everything on and spokes; a spoke), then each function role, and the hub
  bucket policy for a spoke's role, is evaluated against the table's requests for that function
  (.ci/permissions.py): every needed request allowed, nothing else allowed.
* terraform/gcp and terraform/azure (their providers are not available offline, so read from
  the HCL and evaluated per set of variables, .ci/permissions_terraform.py): each identity's
  roles and conditions on every store (central, source, sources file, export and pull target,
  work queue), and the Azure ABAC paths of central per hub and spoke, give exactly the operations
  of the functions that run as that identity, in the mode they run in.
terraform/aws is checked on the roles it creates, in check-aws-policy-iac.sh.

usage: check-permissions-iac.py   (needs cfn-lint, which ships the SAM translator)
"""
import copy
import importlib.util
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import permissions  # noqa: E402
import permissions_terraform  # noqa: E402

ROOT = permissions.ROOT
PLATFORM_SIDS = {"WriteOwnLogs", "OnFailureDestination", "ConsumeScanEvents"}
problems = []


def load_sam_checker():
    spec = importlib.util.spec_from_file_location("sam_versions", os.path.join(ROOT, ".ci", "check-sam-versions.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_sam():
    sam = load_sam_checker()
    source = json.loads(json.dumps(sam.cfn_yaml.load(os.path.join(ROOT, "template.yaml"))))
    defaults = {k: str(v["Default"]) for k, v in source["Parameters"].items() if "Default" in v}
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    def resolved(overrides):
        template = copy.deepcopy(source)
        template["Globals"]["Function"]["CodeUri"] = "s3://artifacts/stance-sync-aws-lambda.jar"
        params = {**defaults, **sam.REQUIRED, **overrides}
        for name, spec in source["Parameters"].items():
            if spec["Type"] == "CommaDelimitedList" and isinstance(params.get(name), str):
                params[name] = [v for v in params[name].split(",")] if params[name] else [""]
        translated = sam.Translator(managed_policy_map={}, sam_parser=sam.Parser()).translate(
            sam_template=template, parameter_values=dict(params))
        resolver = sam.Resolver(translated, params)
        resources = translated["Resources"]

        def role(name):
            if name not in resources:
                return None
            return [st for policy in resolver.value(resources[name]["Properties"].get("Policies", []))
                    for st in policy["PolicyDocument"]["Statement"]]
        bucket_policy = None
        if "CentralBucketPolicy" in resources and resolver.condition("MakeCentralBucket"):
            bucket_policy = json.loads(json.dumps(resolver.value(resources["CentralBucketPolicy"]["Properties"])
                                                  ["PolicyDocument"]["Statement"])
                                       .replace("<getatt CentralBucket.Arn>", f"arn:aws:s3:::{params['CentralBucketName']}"))
        return params, role, bucket_policy

    central = sam.REQUIRED["CentralBucketName"]
    scans = sam.REQUIRED["SourceBucketName"]
    cases = {
        "defaults": {},
        "hub, everything on": {
            "ResolveMissing": "true", "FanOut": "true", "Notify": "true", "SyncDirection": "bidirectional",
            "SourcesUri": f"s3://{central}/_config/sources.jsonl", "ExportBucketName": "example-stance-export",
            "PullTarget": "s3://example-copy/aggregated", "SpokeAccountIds": "111122223333",
            "SpokeRoleArns": "arn:aws:iam::111122223333:role/spoke-object-created"},
        "hub, sources file without fan-out": {"SourcesUri": f"s3://{central}/_config/sources.jsonl"},
        "hub, catch-up of STANCE_SOURCES with resolve-missing": {
            "ResolveMissing": "true", "StanceSources": "s3://spoke-scans/stance|111122223333|aws",
            "ExtraSourceArns": "arn:aws:s3:::spoke-scans,arn:aws:s3:::spoke-scans/stance/*"},
        "hub, fan-out without resolve-missing": {
            "FanOut": "true", "SourcesUri": f"s3://{central}/_config/sources.jsonl",
            "ExtraSourceArns": "arn:aws:s3:::spoke-scans,arn:aws:s3:::spoke-scans/stance/*"},
        "spoke, resolve-missing": {"CreateCentralBucket": "false", "ResolveMissing": "true", "AccountId": "444455556666"},
        "Security Hub findings through the queue": {"SecurityHubFindings": "true"},
        "Security Hub findings through EventBridge": {"SecurityHubFindings": "true", "TriggerMode": "EventBridge"},
    }
    for case, overrides in cases.items():
        params, role, bucket_policy = resolved(overrides)
        resolve = params["ResolveMissing"] == "true"
        suffix = ", resolve-missing" if resolve else ""
        prefix = params["CentralPrefix"]
        stores = {"central": {"bucket": central, "prefix": prefix},
                  "source": {"bucket": scans, "prefix": params["ScanPrefix"]}}
        if params["Notify"] == "true":
            stores["notify-target"] = {"topic_arn": "<ref ChangesTopic>"}
        own = params["AccountId"] or "123456789012"
        # STANCE_SOURCES in other buckets: the functions that push any source read them too.
        extra = [{"bucket": arn.removeprefix("arn:aws:s3:::").split("/")[0],
                  "prefix": arn.removeprefix("arn:aws:s3:::").split("/", 1)[1].removesuffix("*").rstrip("/")}
                 for arn in params["ExtraSourceArns"] if "/" in arn]
        any_source = dict(stores, source=[stores["source"]] + extra)
        problems.extend(permissions.compare(f"template.yaml [{case}] ObjectCreatedFunctionRole", role("ObjectCreatedFunctionRole"),
                                            permissions.rows("object-created" + suffix), stores, own_account=own,
                                            platform_sids=PLATFORM_SIDS))
        schedule_rows = ["schedule" + suffix]
        schedule_stores = dict(any_source)
        if params["SourcesUri"].startswith("s3://"):
            uri = params["SourcesUri"].removeprefix("s3://")
            schedule_stores["sources-file"] = {"bucket": uri.split("/")[0], "prefix": "", "object": uri.split("/", 1)[1]}
        if params["FanOut"] == "true":
            # The tick of one mode: with the fan-out the workers push, the schedule only sends.
            schedule_rows = ["schedule, fan-out"]
            schedule_stores["work-queue"] = {"queue_arn": "<getatt WorkQueue.Arn>"}
            worker_stores = dict(any_source, **{"work-queue": {"queue_arn": "<getatt WorkQueue.Arn>"}})
            problems.extend(permissions.compare(f"template.yaml [{case}] WorkerFunctionRole", role("WorkerFunctionRole"),
                                                permissions.rows("worker" + suffix), worker_stores,
                                                platform_sids=PLATFORM_SIDS))
        if params["ExportBucketName"]:
            schedule_stores["export-target"] = {"bucket": params["ExportBucketName"], "prefix": params["ExportPrefix"]}
        if params["PullTarget"].startswith("s3://"):
            path = params["PullTarget"].removeprefix("s3://")
            schedule_stores["pull-target"] = {"bucket": path.split("/")[0], "prefix": path.split("/", 1)[1]}
        problems.extend(permissions.compare(f"template.yaml [{case}] ScheduleFunctionRole", role("ScheduleFunctionRole"),
                                            permissions.rows(*schedule_rows), schedule_stores,
                                            platform_sids=PLATFORM_SIDS))
        spokes = [a for a in params["SpokeAccountIds"] if a]
        if bucket_policy is not None and spokes:
            # What the hub's bucket policy lets a spoke's function role do: a cross-account request
            # needs this and the spoke role's own grant.
            for spoke in spokes:
                spoke_statements = [st for st in bucket_policy if st.get("Effect") == "Allow"
                                    and spoke in permissions._listify(st.get("Principal", {}).get("AWS", []))]
                problems.extend(permissions.compare(
                    f"template.yaml [{case}] CentralBucketPolicy for spoke {spoke}", spoke_statements,
                    permissions.rows("object-created, resolve-missing"), {"central": {"bucket": central, "prefix": prefix}},
                    own_account=spoke, account=spoke))
        print(f"check-permissions-iac: template.yaml [{case}]: function roles checked against the table")


def check_sam_rules():
    """The template refuses unsupported combinations at deploy time: each rule's assertions,
    resolved as CloudFormation does, hold for the supported sets and fail for the refused ones."""
    sam = load_sam_checker()
    source = json.loads(json.dumps(sam.cfn_yaml.load(os.path.join(ROOT, "template.yaml"))))
    defaults = {k: str(v["Default"]) for k, v in source["Parameters"].items() if "Default" in v}

    def refused(overrides):
        params = {**defaults, **sam.REQUIRED, **overrides}
        for name, spec in source["Parameters"].items():
            if spec["Type"] == "CommaDelimitedList" and isinstance(params.get(name), str):
                params[name] = params[name].split(",")
        resolver = sam.Resolver(source, params)
        return sorted(name for name, rule in source.get("Rules", {}).items()
                      if resolver.value(rule.get("RuleCondition", True))
                      and not all(resolver.value(a["Assert"]) for a in rule["Assertions"]))
    spoke_role = "arn:aws:iam::111122223333:role/spoke-object-created"
    cases = [
        ({}, []),
        ({"SpokeAccountIds": "111122223333", "SpokeRoleArns": spoke_role}, []),
        ({"CreateCentralBucket": "false", "ResolveMissing": "true"}, []),
        ({"SpokeAccountIds": "111122223333"}, ["SpokesNeedTheirRoles"]),
        ({"SpokeRoleArns": spoke_role}, ["SpokeRolesNeedTheirAccounts"]),
        ({"SpokeAccountIds": "111122223333", "SpokeRoleArns": spoke_role, "CreateCentralBucket": "false"},
         ["SpokesNeedTheCentralBucket"]),
        ({"TriggerMode": "S3"}, ["DirectS3NotificationNeedsOwnBucket"]),
        ({"SourcesUri": "s3://b/_config/sources.jsonl"}, []),
        ({"SyncDirection": "pull"}, ["PullNeedsTarget"]),
        ({"SecurityHubFindings": "true"}, []),
        ({"SecurityHubFindings": "true", "TriggerMode": "S3", "CreateSourceBucket": "true"},
         ["SecurityHubNeedsEventBridgeOrSqs"]),
    ]
    for overrides, expected in cases:
        actual = refused(overrides)
        if actual != expected:
            problems.append(f"template.yaml Rules with {overrides}: refused by {actual}, expected {expected}")
    print(f"check-permissions-iac: template.yaml: {len(cases)} parameter sets accepted or refused by its Rules as expected")


# ---------------------------------------------------------------- terraform/azure central (ABAC paths)
def azure_patterns(rbac, local, label, variables, spoke_account):
    """The StringLike paths of local.<local> for <label> (hub, spoke), with variables (name -> bool)
    deciding each `cond ? [...] : []` line, and the placeholders filled in."""
    m = re.search(rf'^  {local} = merge\((.*?)^  \)', rbac, re.S | re.M)
    if not m:
        problems.append(f"terraform/azure: rbac.tf has no local {local} (ABAC path patterns per identity)")
        return []
    text = m.group(1)
    start = text.index("hub =") if label == "hub" else text.index('"spoke-${k}" =>')
    end = text.index("\n    }", start) if label == "hub" else len(text)
    found = []
    for line in text[start:end].splitlines():
        guard = re.search(r'([\w.]+) \? \[', line)
        if guard and not variables[guard.group(1)]:
            continue
        for pattern in re.findall(r'"([^"]*\$\{var\.central_prefix\}[^"]*)"', line):
            found.append(pattern.replace("${var.central_prefix}", "aggregated").replace("${w.account_id}", spoke_account))
    return found


def check_azure():
    rbac = open(os.path.join(ROOT, "terraform", "azure", "rbac.tf")).read()
    spoke_account = "111122223333"
    cases = []
    for resolve in (False, True):
        for fan_out in (False, True):
            suffix = ", resolve-missing" if resolve else ""
            # One function app runs every function: the hub identity needs the union of their
            # operations, the timer's in the mode it runs in.
            functions = ["object-created" + suffix] + (
                ["schedule, fan-out", "worker" + suffix] if fan_out else ["schedule" + suffix])
            cases.append((f"hub, resolve_missing={resolve}, fan_out={fan_out}", "hub", functions, None,
                          {"var.resolve_missing": resolve, "var.fan_out": fan_out}))
        cases.append((f"spoke, resolve_missing={resolve}", "spoke", ["object-created" + suffix], spoke_account,
                      {"w.resolve_missing": resolve}))
    for case, label, functions, own, variables in cases:
        rows = permissions.rows(*functions)["central"]
        allowed = {"write": azure_patterns(rbac, "write_patterns", label, variables, spoke_account),
                   "delete": azure_patterns(rbac, "delete_patterns", label, variables, spoke_account)}
        for key, classes, account in permissions.central_samples("aggregated", own or "123456789012"):
            in_scope = account is not None and (own is None or account == own)
            ops = set().union(*(rows.get(c, set()) for c in classes)) if classes else set()
            needs = {"write": in_scope and bool(ops & {"read", "write", "conditional-write"}),
                     "delete": in_scope and "delete" in ops}
            for action, patterns in allowed.items():
                granted = any(permissions._glob(p).match(key) for p in patterns)
                if needs[action] and not granted:
                    problems.append(f"terraform/azure [{case}]: missing {action} on {key}")
                elif granted and not needs[action]:
                    problems.append(f"terraform/azure [{case}]: {action} on {key}, which no function needs")
    for action in ("write", "add/action", "read", "delete"):
        if f"ActionMatches{{'${{local.blob_actions}}/{action}'}}" not in rbac:
            problems.append(f"terraform/azure: the ABAC condition does not govern blob {action}")
    print("check-permissions-iac: terraform/azure: hub and spoke ABAC paths per action checked against the table")


def main():
    check_sam()
    check_sam_rules()
    permissions_terraform.check_gcp(problems)
    permissions_terraform.check_refusals(problems)
    check_azure()
    permissions_terraform.check_azure(problems)
    permissions_terraform.check_one_grant_fewer(problems)
    if problems:
        print("\n".join("check-permissions-iac: " + p for p in problems), file=sys.stderr)
        sys.exit("check-permissions-iac: FAILED")
    print("check-permissions-iac: OK")


if __name__ == "__main__":
    main()
