"""The permissions table (docs/permissions.json) and what it asks of an AWS identity policy.

The table says which store operations each function performs on which class of key; this module
turns one function's rows into sample requests (an S3 or SQS action on a concrete ARN) with the
answer the grants must give, and evaluates an identity policy (plus, for a cross-account spoke, a
bucket policy) against them with IAM's own matching rules: "*" spans any characters including
"/", "?" exactly one, actions match case-insensitively, ${aws:PrincipalAccount} is the caller's
account. A request the table needs and the policy denies is a missing grant; a request the
table does not need and the policy allows is a grant too many. Used by check-permissions-iac.py
(SAM, resolved per parameter set) and check-aws-policy-iac.sh (the roles terraform/aws created).
"""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OBJECT_ACTIONS = {"read": "s3:GetObject", "write": "s3:PutObject", "conditional-write": "s3:PutObject",
                  "delete": "s3:DeleteObject"}
QUEUE_ACTIONS = {"send": ["sqs:SendMessage"],
                 "consume": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                             "sqs:ChangeMessageVisibility"]}
ALL_QUEUE_ACTIONS = sorted({a for actions in QUEUE_ACTIONS.values() for a in actions})
TOPIC_ACTIONS = {"publish": ["sns:Publish"]}
ALL_TOPIC_ACTIONS = sorted({a for actions in TOPIC_ACTIONS.values() for a in actions})


def table():
    with open(os.path.join(ROOT, "docs", "permissions.json")) as f:
        return json.load(f)["functions"]


def rows(*names):
    """The union of the named functions' rows: store -> key class -> operations."""
    functions = table()
    merged = {}
    for name in names:
        if name not in functions:
            raise KeyError(f"docs/permissions.json has no function {name!r}")
        for store, classes in functions[name].items():
            for key_class, ops in classes.items():
                merged.setdefault(store, {}).setdefault(key_class, set()).update(ops)
    return merged


def _glob(pattern):
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z",
                      re.IGNORECASE if pattern.startswith(("s3:", "sqs:", "sns:", "logs:")) else 0)


def _listify(v):
    return v if isinstance(v, list) else [v]


def statement_allows(st, action, resource, account):
    if st.get("Effect") != "Allow":
        return False
    if not any(_glob(a).match(action) for a in _listify(st.get("Action", []))):
        return False
    return any(_glob(r.replace("${aws:PrincipalAccount}", account)).match(resource)
               for r in _listify(st.get("Resource", [])))


def allows(statements, action, resource, account="123456789012"):
    """Allow statements only: the templates' Deny statements are transport conditions (TLS)."""
    return any(statement_allows(st, action, resource, account) for st in statements)


def central_samples(prefix, own, other="999988887777"):
    """(key, key classes it belongs to, account) of central; a prefix grant on _state/{account}/
    necessarily covers its resume/ folder, so a checkpoint key belongs to both classes."""
    p = prefix + "/" if prefix else ""
    samples = []
    for account in (own, other):
        samples += [
            (f"{p}findings/abcd/{account}/f.json", ["findings/????/{account}/*"], account),
            (f"{p}assets/abcd/{account}/a.json", ["assets/????/{account}/*"], account),
            (f"{p}_state/{account}/status.json", ["_state/{account}/*"], account),
            (f"{p}_state/{account}/resume/0a1b.json", ["_state/{account}/resume/*", "_state/{account}/*"], account),
            (f"{p}_changes/{account}/dt=2026-12-01/0a1b.jsonl", ["_changes/{account}/*"], account),
        ]
    samples += [(f"{p}findings/not-a-record.json", [], None), (f"{p}_exports/x.json", [], None),
                (f"{p}other/abcd/{own}/x.json", [], None), (f"elsewhere/findings/abcd/{own}/f.json", [], None)]
    return samples


def expectations(function_rows, stores, own_account=None):
    """Sample requests and whether the table needs them.

    stores: store name -> dict(bucket=..., prefix=...) for S3 stores (or a list of them: the
    sources of STANCE_SOURCES in several buckets), or dict(queue_arn=...) for the work queue, or
    dict(topic_arn=...) for the notification topic, or dict(object=...) for a single file; a
    store the deployment does not
    configure is left out (and so must the table's rows be unused). own_account: the account an
    account-scoped identity (a spoke's) is limited to; None: any account.
    Returns [(action, resource, needed, why)].
    """
    out = []
    for store, where in ((s, w) for s, ws in stores.items() for w in (ws if isinstance(ws, list) else [ws])):
        classes = function_rows.get(store, {})
        if "queue_arn" in where:
            needed = {a for op in classes.get("*", ()) for a in QUEUE_ACTIONS[op]}
            out += [(a, where["queue_arn"], a in needed, f"{store} {a}") for a in ALL_QUEUE_ACTIONS]
            continue
        if "topic_arn" in where:
            needed = {a for op in classes.get("*", ()) for a in TOPIC_ACTIONS[op]}
            out += [(a, where["topic_arn"], a in needed, f"{store} {a}") for a in ALL_TOPIC_ACTIONS]
            continue
        bucket_arn = f"arn:aws:s3:::{where['bucket']}"
        ops_anywhere = {op for ops in classes.values() for op in ops}
        # S3 answers a missing key with 404 only to a caller that may list the bucket.
        out.append(("s3:ListBucket", bucket_arn, bool(ops_anywhere & {"read", "list"}), f"{store} list/404"))
        if store == "central":
            for key, key_classes, account in central_samples(where["prefix"], own_account or "123456789012"):
                in_scope = account is not None and (own_account is None or account == own_account)
                ops = set()
                for c in key_classes:
                    ops |= classes.get(c, set())
                for op, action in OBJECT_ACTIONS.items():
                    needed = in_scope and any(OBJECT_ACTIONS.get(o) == action for o in ops)
                    out.append((action, f"{bucket_arn}/{key}", needed, f"{store} {key} {action}"))
        else:
            prefix = where.get("object") or (where["prefix"].rstrip("/") + "/x/y.jsonl" if where["prefix"] else "x/y.jsonl")
            outside = "outside-" + prefix.split("/")[0] + "/x.jsonl"
            ops = classes.get("*", set())
            for action in sorted(set(OBJECT_ACTIONS.values())):
                needed = any(OBJECT_ACTIONS.get(o) == action for o in ops)
                out.append((action, f"{bucket_arn}/{prefix}", needed, f"{store} {prefix} {action}"))
                out.append((action, f"{bucket_arn}/{outside}", False, f"{store} {outside} {action}"))
    return out


def _grants_nothing(action, resource):
    """An object action on a bucket ARN, or a bucket action on an object ARN, matches no request:
    a statement that lists bucket and object ARNs together (ExtraSourceArns) grants nothing more."""
    if not resource.startswith("arn:aws:s3:::") or not action.lower().startswith("s3:"):
        return False
    on_object = "/" in resource.removeprefix("arn:aws:s3:::")
    return on_object == (action.lower() == "s3:listbucket")


def compare(label, statements, function_rows, stores, own_account=None, account="123456789012",
            platform_sids=()):
    """Problems (missing and excess grants) of one identity; empty when the grants are exact.

    Besides the sample requests, every S3/SQS action and resource a statement grants must be one
    that some needed request uses, so a grant on a store the table does not name is excess too.
    platform_sids: statements for the platform rather than the code (logs, the failure
    destination, the trigger's own queue), left out of that last rule.
    """
    merged = {}
    for action, resource, needed, why in expectations(function_rows, stores, own_account):
        was = merged.get((action, resource))
        merged[(action, resource)] = (needed or (was is not None and was[0]), why if needed or was is None else was[1])
    problems = []
    for (action, resource), (needed, why) in merged.items():
        allowed = allows(statements, action, resource, account)
        if needed and not allowed:
            problems.append(f"{label}: missing grant: {action} on {resource} ({why})")
        elif allowed and not needed:
            problems.append(f"{label}: grant too many: {action} on {resource} ({why})")
    needed_requests = [(a, r) for (a, r), (n, _) in merged.items() if n]
    for st in statements:
        if st.get("Effect") != "Allow" or st.get("Sid") in platform_sids:
            continue
        for action in _listify(st.get("Action", [])):
            if not action.lower().startswith(("s3:", "sqs:")):
                continue
            for resource in _listify(st.get("Resource", [])):
                if _grants_nothing(action, resource):
                    continue
                one = {"Effect": "Allow", "Action": action, "Resource": resource}
                if not any(statement_allows(one, a, r, account) for a, r in needed_requests):
                    problems.append(f"{label}: grant no operation needs: {action} on {resource} (Sid {st.get('Sid')})")
    return problems
