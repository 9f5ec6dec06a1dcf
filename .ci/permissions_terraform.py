"""terraform/gcp and terraform/azure held to the permissions table (docs/permissions.json).

Their providers are not available offline, so the modules are read with .ci/hcl.py and their
grant resources evaluated for several sets of variables: which identity gets which role on which
bucket, container or queue, under which condition. Every store a function uses is covered:
central, the source (the scan buckets or containers), the sources file, the export target, the
pull target and the work queue. Each identity must be granted every operation the table says its
functions perform there, and nothing beyond what the cloud's roles cannot separate (listed in
TOLERATED below). A grant on a store the configuration does not name is reported too.
Used by check-permissions-iac.py.
"""
import os
import re

import hcl
import permissions

ROOT = permissions.ROOT

# Cloud Storage: the object permissions of each predefined role the module grants.
# https://cloud.google.com/storage/docs/access-control/iam-roles
GCS_ROLES = {"roles/storage.objectViewer": {"get", "list"},
             "roles/storage.objectUser": {"get", "list", "create", "delete"},
             "roles/storage.objectCreator": {"create"},
             "roles/storage.legacyBucketReader": {"list"}}
# What each operation of the table needs; replacing an object (a conditional write of a new
# generation) needs storage.objects.delete besides create.
GCS_NEEDS = {"read": {"get"}, "write": {"create", "delete"}, "conditional-write": {"create", "delete"},
             "list": {"list"}, "delete": {"delete"}}
# Granted beyond the need because no predefined role separates them: listing with reading a
# whole bucket (objectViewer), the same as S3's ListBucket that a read needs for a 404.
TOLERATED = {"get": {"list"}}


def gcs_needs(ops):
    return set().union(*(GCS_NEEDS[op] for op in ops)) if ops else set()


def gcp_grants(variables, without=()):
    """identity -> list of (bucket, scope, permissions); scope: None (the bucket), ("prefix", p)
    or ("object", name). And identity -> topics it may publish to."""
    module = hcl.Module(os.path.join(ROOT, "terraform", "gcp"), variables,
                        stubs={"google_storage_bucket.central.name": variables["central_bucket_name"]})
    grants, publishers = {}, {}
    for name, body in module.resources("google_storage_bucket_iam_member").items():
        if name in without:
            continue
        for scope in module.instances(body):
            member = module.eval(body["member"], scope)
            identity = re.fullmatch(r"serviceAccount:google_service_account\.(\w+)\.email", member)
            if not identity:
                raise hcl.HclError(f"google_storage_bucket_iam_member.{name}: member {member!r} is no function identity")
            role = module.eval(body["role"], scope)
            where = None
            for condition in body.get("condition", []):
                expression = module.eval(condition["expression"], scope)
                prefix = re.fullmatch(r'resource\.name\.startsWith\("projects/_/buckets/[^/]+/objects/(.*)"\)', expression)
                exact = re.fullmatch(r'resource\.name == "projects/_/buckets/[^/]+/objects/(.*)"', expression)
                if not (prefix or exact):
                    raise hcl.HclError(f"google_storage_bucket_iam_member.{name}: condition {expression!r} not understood")
                where = ("prefix", prefix.group(1)) if prefix else ("object", exact.group(1))
            # Listing is bucket-level: a condition on object names denies it.
            perms = GCS_ROLES[role] - ({"list"} if where else set())
            grants.setdefault(identity.group(1), []).append((module.eval(body["bucket"], scope), where, perms, name))
    for name, body in module.resources("google_pubsub_topic_iam_member").items():
        for scope in module.instances(body):
            member = module.eval(body["member"], scope)
            identity = re.fullmatch(r"serviceAccount:google_service_account\.(\w+)\.email", member)
            if identity and module.eval(body["role"], scope) == "roles/pubsub.publisher":
                publishers.setdefault(identity.group(1), set()).add(module.eval(body["topic"], scope))
    return grants, publishers


def compare_store(label, store, need_ops, granted, problems):
    """One non-central store: the granted permissions against the needed ones."""
    need = gcs_needs(need_ops)
    have = set().union(*granted) if granted else set()
    if need - have:
        problems.append(f"{label}: missing on {store}: {sorted(need - have)} (the table: {sorted(need_ops)})")
    tolerated = set().union(*(TOLERATED.get(p, set()) for p in need)) if need else set()
    if have - need - tolerated:
        problems.append(f"{label}: {sorted(have - need - tolerated)} on {store}, which no function of it needs")


def check_gcp(problems, without=()):
    central, prefix = "central-bkt", "aggregated"
    full = dict(project_id="p", region="us-central1", central_bucket_name=central, source_bucket="scans-bkt",
                enable_schedule=True, source_read_buckets=["scans-bkt", "more-scans"],
                export_bucket_name="export-bkt", pull_target="gs://copy-bkt/aggregated", pull_target_bucket="copy-bkt",
                sources_uri=f"gs://{central}/_config/sources.jsonl")
    minimal = dict(project_id="p", region="us-central1", central_bucket_name=central, source_bucket="scans-bkt",
                   enable_schedule=True)
    cases = 0
    for base_label, base in (("export, pull, sources file", full), ("nothing optional", minimal)):
        for resolve in (False, True):
            for fan_out in (False, True):
                variables = dict(base, resolve_missing=resolve, fan_out=fan_out)
                label = f"terraform/gcp [{base_label}, resolve_missing={resolve}, fan_out={fan_out}]"
                check_gcp_case(label, variables, prefix, problems, without)
                cases += 1
    if not without:
        print(f"check-permissions-iac: terraform/gcp: push, schedule and worker identities, every store, in {cases} configurations")


def check_gcp_case(label, variables, prefix, problems, without=()):
    suffix = ", resolve-missing" if variables["resolve_missing"] else ""
    fan_out = variables["fan_out"] and variables["enable_schedule"]
    functions = {"push": ["object-created" + suffix]}
    if variables["enable_schedule"]:
        functions["schedule"] = ["schedule, fan-out"] if fan_out else ["schedule" + suffix]
    if fan_out:
        functions["worker"] = ["worker" + suffix]
    grants, publishers = gcp_grants(variables, without)
    for identity in set(grants) - set(functions):
        problems.append(f"{label}: {identity} has grants, but runs no function in this configuration")
    sources_file = variables.get("sources_uri")
    sources_object = sources_file.split("/", 3)[3] if sources_file else None
    for identity, names in functions.items():
        rows = permissions.rows(*names)
        who = f"{label} {identity}"
        by_store = {}
        for bucket, where, perms, resource in grants.get(identity, []):
            if bucket == variables["central_bucket_name"] and where == ("object", sources_object):
                store = "sources-file"
            elif bucket == variables["central_bucket_name"]:
                store = "central"
            elif bucket == (variables.get("pull_target_bucket") if variables.get("pull_target") else None):
                store = "pull-target"
            elif bucket == variables.get("export_bucket_name"):
                store = "export-target"
            elif bucket in ([variables["source_bucket"]] if identity == "push" else variables.get("source_read_buckets", [])):
                store = "source"
            else:
                problems.append(f"{who}: {resource} grants {sorted(perms)} on bucket {bucket}, which no store of it is")
                continue
            if store != "central" and where not in (None, ("object", sources_object)):
                problems.append(f"{who}: {resource}: a condition {where} on {store}")
            by_store.setdefault(store, []).append((where, perms))
        compare_central(who, rows.get("central", {}), by_store.pop("central", []), prefix, problems)
        # The stores this configuration gives the identity (a store it does not is no grant's business).
        configured = {"sources-file": (sources_file or "").startswith("gs://"),
                      "pull-target": (variables.get("pull_target") or "").startswith("gs://"),
                      "export-target": variables.get("export_bucket_name") is not None,
                      "source": bool([variables["source_bucket"]] if identity == "push"
                                     else variables.get("source_read_buckets"))}
        # The queues are topics, not buckets: the work topic's publishers are compared below, the
        # digest topic's (notify-target) by check-gcp-iac, which evaluates terraform/gcp with notify on.
        for store in sorted((set(rows) | set(by_store)) - {"central", "work-queue", "notify-target"}):
            need = rows.get(store, {}).get("*", set()) if configured[store] else set()
            compare_store(who, store, need, [perms for _, perms in by_store.get(store, [])], problems)
        sends = "send" in rows.get("work-queue", {}).get("*", set())
        if sends != ("google_pubsub_topic.work.name" in publishers.get(identity, set())):
            problems.append(f"{who}: publishes to the work topic: granted "
                            f"{'google_pubsub_topic.work.name' in publishers.get(identity, set())}, needed {sends}")


def compare_central(who, needed, granted, prefix, problems):
    """Central: object permissions under the prefix (a condition may keep them there), and the
    bucket-level listing, which only an unconditioned role can give."""
    need_objects = gcs_needs({op for key_class, ops in needed.items() if not key_class.endswith("/") for op in ops})
    need_list = any("list" in ops for ops in needed.values())
    under_prefix, whole = set(), set()
    for where, perms in granted:
        if where is None:
            whole |= perms
        elif where == ("prefix", prefix + "/"):
            under_prefix |= perms
        else:
            problems.append(f"{who}: central granted under {where}, not the central prefix {prefix}/")
    objects = under_prefix | (whole - {"list"})
    if need_objects - objects:
        problems.append(f"{who}: missing on central objects: {sorted(need_objects - objects)}")
    if need_list and "list" not in whole:
        problems.append(f"{who}: lists central, but no unconditioned role permits storage.objects.list")
    if "list" in whole and not need_list:
        problems.append(f"{who}: may list central, which it never does")
    # Listing is bucket-level, so a lister may read the whole bucket (objectViewer); nothing else
    # may reach beyond the prefix.
    if whole - {"list", "get"} or ("get" in whole and not need_list):
        problems.append(f"{who}: {sorted(whole)} on the whole central bucket, beyond the prefix")
    if objects - need_objects - {"list"}:
        problems.append(f"{who}: {sorted(objects - need_objects)} on central objects, which it never needs")


def check_refusals(problems):
    """Configurations the modules refuse at plan time, evaluated from their resources' preconditions
    (a check block would only warn): each case holds or fails as expected."""
    gcp = dict(project_id="p", region="us-central1", central_bucket_name="central-bkt", enable_schedule=True)
    aws = dict(central_bucket_name="central", source_bucket_name="scans")
    cases = [
        ("gcp", gcp, "google_cloudfunctions2_function", "schedule", {"pull_target": "gs://copy-bkt/aggregated", "pull_target_bucket": "copy-bkt"}, True),
        ("gcp", gcp, "google_cloudfunctions2_function", "schedule", {"pull_target": "gs://copy-bkt/aggregated"}, False),
        ("gcp", gcp, "google_cloudfunctions2_function", "schedule", {"pull_target": "gs://copy-bkt/a", "pull_target_bucket": "other-bkt"}, False),
        ("gcp", gcp, "google_cloudfunctions2_function", "schedule", {"pull_target": "s3://elsewhere/aggregated"}, True),
        ("gcp", gcp, "google_service_account", "trigger", {"fan_out": True}, True),
        ("gcp", gcp, "google_service_account", "trigger", {"fan_out": True, "enable_schedule": False}, False),
        ("aws", aws, "aws_iam_role", "object_created", {}, True),
        ("aws", aws, "aws_iam_role", "object_created", {"trigger_mode": "s3"}, False),
        ("aws", aws, "aws_iam_role", "object_created", {"trigger_mode": "s3", "create_source_bucket": True}, True),
        ("aws", aws, "aws_iam_role", "object_created", {"name": "n" * 60}, False),
        ("aws", aws, "aws_iam_role", "object_created", {"spoke_account_ids": ["111122223333"], "create_central_bucket": False}, False),
    ]
    for cloud, base, type_name, name, overrides, accepted in cases:
        module = hcl.Module(os.path.join(ROOT, "terraform", cloud), dict(base, **overrides),
                            stubs={"data.aws_region.current.name": "us-east-1"})
        body = module.resources(type_name)[name]
        holds = all(module.eval(p["condition"]) for l in body.get("lifecycle", []) for p in l.get("precondition", []))
        if holds != accepted:
            problems.append(f"terraform/{cloud} {type_name}.{name} with {overrides}: "
                            f"{'accepted' if holds else 'refused'}, expected the opposite")
    print(f"check-permissions-iac: terraform/gcp and terraform/aws: {len(cases)} configurations accepted or refused at plan time as expected")

# Azure: the data actions of each built-in role the module assigns, in the table's terms.
AZURE_ROLES = {"Storage Blob Data Reader": {"read", "list"},
               "Storage Blob Data Contributor": {"read", "list", "write", "delete"},
               "Storage Queue Data Contributor": {"send", "consume"}}
AZURE_NEEDS = {"read": "read", "write": "write", "conditional-write": "write", "list": "list", "delete": "delete",
               "send": "send", "consume": "consume"}
# ABAC action names -> the permission they govern (add/action is a write: an append).
ABAC_ACTIONS = {"write": "write", "add/action": "write", "delete": "delete", "read": "read"}
HUB = "azurerm_linux_function_app.hub.identity.principal_id"


def abac(condition):
    """An ABAC condition of the module's form, a conjunction of "(actions not matched) OR (path
    patterns)" clauses: permission -> the path patterns it is limited to ([] denies it)."""
    limited = {}
    for clause in re.split(r"\n\s*AND\s*\n(?=\s*\(\s*\n)", condition.strip()):
        actions = re.findall(r"!\(ActionMatches\{'[^']*/blobs/([a-z/]+)'\}", clause)
        patterns = re.findall(r"String(?:Like|Equals) '([^']*)'", clause)
        for action in actions:
            permission = ABAC_ACTIONS[action]
            limited[permission] = sorted(set(limited.get(permission, patterns)) & set(patterns)) \
                if permission in limited else patterns
    return limited


def azure_grants(variables, without=()):
    """store scope -> [(permissions, {permission: path patterns}, resource)] of the hub's identity."""
    module = hcl.Module(os.path.join(ROOT, "terraform", "azure"), variables)
    found = {}
    for name, body in module.resources("azurerm_role_assignment").items():
        if name in without:
            continue
        for scope in module.instances(body):
            if module.eval(body["principal_id"], scope) != HUB:
                continue
            role = module.eval(body["role_definition_name"], scope)
            if role not in AZURE_ROLES:
                raise hcl.HclError(f"azurerm_role_assignment.{name}: role {role!r} is not modelled")
            limits = abac(module.eval(body["condition"], scope)) if "condition" in body and name != "hub_central_writer" else {}
            found.setdefault(module.eval(body["scope"], scope), []).append((AZURE_ROLES[role], limits, name))
    return found


def check_azure(problems, without=()):
    container = lambda s: f"{s['storage_account_id']}/blobServices/default/containers/{s['container_name']}"
    account = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/"
    sources = {"a": {"storage_account_id": account + "scansa", "container_name": "scans", "prefix": ""},
               "b": {"storage_account_id": account + "scansb", "container_name": "stance", "prefix": "x"}}
    base = dict(location="westeurope", resource_group_name="rg", function_app_name="stance-sync",
                central_storage_account_name="central1", host_storage_account_name="host1", sources=sources)
    full = dict(base, sources_file={"storage_account_id": account + "config", "container_name": "cfg",
                                    "blob_name": "sources.jsonl"},
                export_container_name="stance-export",
                pull_target={"storage_account_id": account + "copyacct", "container_name": "copy", "prefix": "aggregated"})
    cases = 0
    for base_label, variables in (("export, pull, sources file", full), ("nothing optional", dict(base, sources={"a": sources["a"]}))):
        for resolve in (False, True):
            for fan_out in (False, True):
                label = f"terraform/azure [{base_label}, resolve_missing={resolve}, fan_out={fan_out}]"
                suffix = ", resolve-missing" if resolve else ""
                # One function app runs every function: its identity needs the union of their rows.
                rows = permissions.rows("object-created" + suffix,
                                        *(["schedule, fan-out", "worker" + suffix] if fan_out else ["schedule" + suffix]))
                values = dict(variables, resolve_missing=resolve, fan_out=fan_out)
                grants = azure_grants(values, without)
                stores = {"azurerm_storage_container.central.id": ("central", None)}
                stores.update({container(s): ("source", None) for s in values["sources"].values()})
                if values.get("sources_file"):
                    f = values["sources_file"]
                    stores[container(f)] = ("sources-file", [f["blob_name"]])
                if values.get("export_container_name"):
                    stores["azurerm_storage_container.export.id"] = ("export-target", [values.get("export_prefix", "stance-export") + "/*"])
                if values.get("pull_target"):
                    stores[container(values["pull_target"])] = ("pull-target", [values["pull_target"]["prefix"] + "/*"])
                queues = "azurerm_storage_account.central.id/queueServices/default/queues/"
                if fan_out:
                    stores[queues + "stance-sync-work"] = ("work-queue", None)
                    stores[queues + "stance-sync-work-poison"] = ("poison-queue", None)
                check_azure_case(label, rows, grants, stores, problems)
                cases += 1
    if not without:
        print(f"check-permissions-iac: terraform/azure: the hub identity on every store, in {cases} configurations")


def check_azure_case(label, rows, grants, stores, problems):
    for scope in set(grants) - set(stores):
        problems.append(f"{label}: {[g[2] for g in grants[scope]]} on {scope}, which no configured store is")
    for scope, (store, patterns) in stores.items():
        granted = grants.get(scope, [])
        if store == "central":
            if [g[0] for g in granted] != [AZURE_ROLES["Storage Blob Data Contributor"]]:
                problems.append(f"{label}: central: {[g[2] for g in granted]}, expected one conditioned Contributor")
            continue
        # The host moves a message it failed maxDequeueCount times to the poison queue: the
        # platform's need, not the code's, so the same grant as the work queue's.
        need = {AZURE_NEEDS[op] for op in rows.get("work-queue" if store == "poison-queue" else store, {}).get("*", set())}
        have = set()
        for perms, limits, name in granted:
            for permission in perms:
                limit = limits.get(permission)
                if limit == []:
                    continue
                if limit is not None and limit != patterns:
                    problems.append(f"{label}: {name} limits {permission} on {store} to {limit}, not {patterns}")
                if limit is None and patterns is not None and permission != "list":
                    problems.append(f"{label}: {name} allows {permission} on all of {store}, not only {patterns}")
                have.add(permission)
        tolerated = {"list"} if "read" in need else set()
        if need - have:
            problems.append(f"{label}: missing on {store}: {sorted(need - have)}")
        if have - need - tolerated:
            problems.append(f"{label}: {sorted(have - need - tolerated)} on {store}, which no function needs")


def check_one_grant_fewer(problems):
    """The checks see a grant that is gone: without each of these the modules must fail them."""
    for cloud, check, resource in (("gcp", check_gcp, "export_write"), ("gcp", check_gcp, "source_read"),
                                   ("azure", check_azure, "hub_pull_target_writer"),
                                   ("azure", check_azure, "hub_sources_file_reader")):
        found = []
        check(found, without=(resource,))
        if not any("missing" in f for f in found):
            problems.append(f"terraform/{cloud} without {resource}: the check did not see the grant missing")
        else:
            print(f"check-permissions-iac: terraform/{cloud} without {resource} fails as it must: {found[0]}")
