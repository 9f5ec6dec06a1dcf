#!/usr/bin/env python3
"""Proves with the SAM translator that template.yaml publishes a new function version for every
configuration change, and names no schedule literally.

SAM's AutoPublishAlias names each AWS::Lambda::Version after a hash computed at transform time,
before CloudFormation resolves !Ref / !If; the template therefore gives every version a
Description that is a digest of the parameters its function depends on (a changed Description
replaces the version resource, i.e. publishes a new version). This check transforms the template
the way CloudFormation's AWS::Serverless transform does (with parameter values), once with the
defaults and once per changed parameter, and resolves what CloudFormation would resolve:

* a function's "version identity" is the Version resource's logical id plus its Description,
  resolved with the digest the template's own digest code computes for those parameters;
* whenever a function's resolved properties (handler, environment, memory, ...) differ from the
  defaults' run, its version identity must differ too;
* every parameter that a function's properties depend on must be an input of its digest;
* every variation must change at least one function (so the check cannot pass vacuously), and
  the same parameters must give the same identities (no needless versions);
* AWS::Scheduler::Schedule resources must have no literal Name.

usage: check-sam-versions.py [template.yaml]   (needs cfn-lint, which ships samtranslator)
"""
import copy
import json
import os
import re
import sys
import types

try:
    from cfnlint.decode import cfn_yaml
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
except ImportError as e:
    sys.exit(f"check-sam-versions: {e}: install cfn-lint (pip install cfn-lint), which ships the SAM translator")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "stance-sync",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/stance-sync/6a1e0c10-0000-0000-0000-000000000000",
    "AWS::URLSuffix": "amazonaws.com",
}
REQUIRED = {"SourceBucketName": "example-stance-scans", "CentralBucketName": "example-stance-central"}
# One change per parameter that reaches a function's configuration.
VARIATIONS = {
    "ConflictResolution": "merge",
    "BatchSize": "500",
    "CentralPrefix": "aggregated2",
    "MemorySize": "2048",
    "Timeout": "600",
    "TriggerMode": "EventBridge",
    "IncludeAssets": "false",
    "ChecksumVerify": "false",
    "AccountId": "210987654321",
    "CentralUri": "gs://example-central/aggregated",
    "CentralBucketName": "example-stance-central-2",
    "SyncDirection": "bidirectional",
    "StanceSources": "s3://spoke-scans/stance|111122223333|aws",
    "PullTarget": "s3://example-copy/aggregated",
    "FanOut": "true",
    "SourcesUri": "s3://example-stance-central/_config/sources.jsonl",
    "TimeBudget": "5m",
    "ResolveMissing": "true",
    "ResolveMaxShare": "0.25",
    "ExportBucketName": "example-stance-export",
    "ExportKeep": "5",
    "StaleAfter": "24h",
    "Notify": "true",
    "NotifyMinSeverity": "critical",
}
NO_VALUE = object()


def fail(message):
    sys.exit(f"check-sam-versions: FAILED: {message}")


class Resolver:
    """Resolves what CloudFormation resolves at deploy time, for one set of parameter values."""

    def __init__(self, template, params):
        self.params = params
        self.conditions_src = template.get("Conditions", {})
        self.conditions = {}
        self.digest = None

    def condition(self, name):
        if name not in self.conditions:
            self.conditions[name] = bool(self.value(self.conditions_src[name]))
        return self.conditions[name]

    def ref(self, name):
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.params:
            value = self.params[name]
            return value
        return f"<ref {name}>"  # a resource: the same in every run

    def sub(self, text, variables):
        def replace(match):
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                return str(self.value({"Fn::GetAtt": name.split(".", 1)}))
            value = self.ref(name)
            return ",".join(value) if isinstance(value, list) else str(value)
        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def value(self, node):
        if isinstance(node, list):
            return [v for v in (self.value(x) for x in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::If":
                return self.value(arg[1] if self.condition(arg[0]) else arg[2])
            if key == "Fn::Equals":
                a, b = self.value(arg[0]), self.value(arg[1])
                return str(a) == str(b)
            if key == "Fn::Not":
                return not self.value(arg[0])
            if key == "Fn::And":
                return all(self.value(a) for a in arg)
            if key == "Fn::Or":
                return any(self.value(a) for a in arg)
            if key == "Fn::Join":
                return arg[0].join(str(v) for v in self.value(arg[1]))
            if key == "Fn::Split":
                return self.value(arg[1]).split(arg[0])
            if key == "Fn::Select":
                items = self.value(arg[1])
                index = int(self.value(arg[0]))
                return items[index] if index < len(items) else f"<select {index} out of range>"
            if key == "Fn::Sub":
                if isinstance(arg, str):
                    return self.sub(arg, {})
                return self.sub(arg[0], {k: self.value(v) for k, v in arg[1].items()})
            if key == "Fn::GetAtt":
                target = arg if isinstance(arg, list) else arg.split(".", 1)
                if target[0] == "ConfigurationDigest" and self.digest is not None:
                    return self.digest(target[1])
                return f"<getatt {target[0]}.{target[1]}>"
        return {k: v for k, v in ((k, self.value(v)) for k, v in node.items()) if v is not NO_VALUE}


def parameter_refs(node, conditions, seen=None):
    """Parameter names a (translated) fragment depends on, through conditions too."""
    seen = set() if seen is None else seen
    if isinstance(node, list):
        for x in node:
            parameter_refs(x, conditions, seen)
    elif isinstance(node, dict):
        for key, arg in node.items():
            if key == "Ref" and isinstance(arg, str):
                seen.add(arg)
            elif key in ("Condition",) and isinstance(arg, str):
                parameter_refs(conditions[arg], conditions, seen)
            elif key == "Fn::If":
                parameter_refs(conditions[arg[0]], conditions, seen)
                parameter_refs(arg[1:], conditions, seen)
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                local = set() if isinstance(arg, str) else set(arg[1])
                seen.update(n for n in re.findall(r"\$\{([^!.}][^.}]*)\}", text) if n not in local)
                if not isinstance(arg, str):
                    parameter_refs(arg[1], conditions, seen)
            else:
                parameter_refs(arg, conditions, seen)
    return seen


def check_fan_out(translate, source):
    """The fan-out as deployed with FanOut=true: the work queue redrives to its DLQ after
    WorkQueueMaxReceiveCount receives and outlasts six function timeouts; the worker runs
    SqsHandler on that queue with ReportBatchItemFailures; the schedule and the worker name
    the queue in STANCE_WORK_QUEUE and may send to it."""
    translated, functions, _ = translate({"FanOut": "true", "SourcesUri": "s3://example-stance-central/_config/sources.jsonl"})
    resources = translated["Resources"]
    problems = []

    def expect(what, actual, wanted):
        if actual != wanted:
            problems.append(f"{what}: {actual!r}, expected {wanted!r}")

    work = resources["WorkQueue"]["Properties"]
    expect("WorkQueue redrive target", work["RedrivePolicy"]["deadLetterTargetArn"], {"Fn::GetAtt": ["WorkDeadLetterQueue", "Arn"]})
    expect("WorkQueue maxReceiveCount", work["RedrivePolicy"]["maxReceiveCount"], {"Ref": "WorkQueueMaxReceiveCount"})
    largest_timeout = int(source["Parameters"]["Timeout"]["MaxValue"])
    if int(work["VisibilityTimeout"]) < 6 * largest_timeout:
        problems.append(f"WorkQueue visibility {work['VisibilityTimeout']} s is below six times the largest Timeout ({largest_timeout} s)")
    mappings = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
                and r["Properties"].get("EventSourceArn") == {"Fn::GetAtt": ["WorkQueue", "Arn"]}]
    expect("event source mappings of WorkQueue", len(mappings), 1)
    for m in mappings:
        expect("worker mapping response types", m.get("FunctionResponseTypes"), ["ReportBatchItemFailures"])
        expect("worker mapping batch size", m.get("BatchSize"), {"Ref": "WorkerBatchSize"})
        expect("worker mapping maximum concurrency", m.get("ScalingConfig"), {"MaximumConcurrency": {"Ref": "WorkerMaximumConcurrency"}})
        expect("worker mapping target", m.get("FunctionName"), {"Ref": "WorkerFunctionAliaslive"})
    expect("worker handler", functions["WorkerFunction"]["Handler"], "com.mantissa.stance.sync.aws.SqsHandler::handleRequest")
    expect("worker STANCE_WORK_QUEUE", functions["WorkerFunction"]["Environment"]["Variables"].get("STANCE_WORK_QUEUE"), "<ref WorkQueue>")
    schedule_env = functions["ScheduleFunction"]["Environment"]["Variables"]
    expect("schedule STANCE_WORK_QUEUE", schedule_env.get("STANCE_WORK_QUEUE"), "<ref WorkQueue>")
    expect("schedule STANCE_SOURCES_URI", schedule_env.get("STANCE_SOURCES_URI"), "s3://example-stance-central/_config/sources.jsonl")

    def sids(role):
        return {st["Sid"]: st for policy in resources[role]["Properties"]["Policies"]
                for st in policy["PolicyDocument"]["Statement"] if isinstance(st, dict) and "Sid" in st}
    worker = sids("WorkerFunctionRole")
    if "SendWorkMessages" not in json.dumps(resources["ScheduleFunctionRole"]):
        problems.append("ScheduleFunctionRole may not send to the work queue")
    if "ReadSourcesFile" not in json.dumps(resources["ScheduleFunctionRole"]):
        problems.append("ScheduleFunctionRole may not read the sources file")
    for sid, action in (("ConsumeWorkMessages", "sqs:ReceiveMessage"), ("SendContinuations", "sqs:SendMessage")):
        st = worker.get(sid, {})
        actions = st.get("Action", []) if isinstance(st.get("Action"), list) else [st.get("Action")]
        if action not in actions or st.get("Resource") != {"Fn::GetAtt": ["WorkQueue", "Arn"]}:
            problems.append(f"WorkerFunctionRole {sid} lacks {action} on the work queue: {st}")
    if problems:
        fail("fan-out: " + "; ".join(problems))
    print("check-sam-versions: fan-out: work queue -> DLQ, worker on it with ReportBatchItemFailures, send grants")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "template.yaml")
    source = json.loads(json.dumps(cfn_yaml.load(path)))
    os.environ.setdefault("AWS_DEFAULT_REGION", PSEUDO["AWS::Region"])

    # The digest code the template deploys (its inline ZipFile), run here with a stand-in for
    # the cfnresponse module that only exists inside Lambda.
    digest_function = source["Resources"].get("ConfigurationDigestFunction")
    digest = None
    if digest_function:
        code = digest_function["Properties"]["Code"]["ZipFile"]
        sys.modules["cfnresponse"] = types.SimpleNamespace(SUCCESS="SUCCESS", FAILED="FAILED", send=lambda *a, **k: None)
        namespace = {}
        exec(compile(code, "template.yaml:ConfigurationDigestFunction", "exec"), namespace)
        digest = namespace["digest"]

    defaults = {k: str(v["Default"]) if not isinstance(v["Default"], list) else v["Default"]
                for k, v in source["Parameters"].items() if "Default" in v}

    def translate(overrides):
        template = copy.deepcopy(source)
        # What `sam package` / `aws cloudformation package` do to the local CodeUri.
        template["Globals"]["Function"]["CodeUri"] = "s3://artifacts/stance-sync-aws-lambda.jar"
        params = {**defaults, **REQUIRED, **overrides}
        for name, spec in source["Parameters"].items():
            if spec["Type"] == "CommaDelimitedList" and isinstance(params.get(name), str):
                params[name] = params[name].split(",")
        translated = Translator(managed_policy_map={}, sam_parser=Parser()).translate(
            sam_template=template, parameter_values=dict(params))
        resolver = Resolver(translated, params)
        if digest:
            digest_props = resolver.value(translated["Resources"]["ConfigurationDigest"]["Properties"]["Functions"])
            resolver.digest = lambda name: digest(digest_props[name])
        functions, versions = {}, {}
        for logical_id, resource in translated["Resources"].items():
            if resource["Type"] == "AWS::Lambda::Function" and logical_id != "ConfigurationDigestFunction":
                functions[logical_id] = resolver.value(resource.get("Properties", {}))
            if resource["Type"] == "AWS::Lambda::Version":
                function = resource["Properties"]["FunctionName"]["Ref"]
                versions[function] = (logical_id, resolver.value(resource["Properties"].get("Description")))
            if resource["Type"] == "AWS::Scheduler::Schedule" and "Name" in resource.get("Properties", {}):
                fail(f"schedule {logical_id} has the literal name {resource['Properties']['Name']!r}: "
                     "a second stack in the account and region would collide (use OmitName: true)")
        return translated, functions, versions

    translated, base_functions, base_versions = translate({})
    if set(base_functions) != set(base_versions) or not base_functions:
        fail(f"functions {sorted(base_functions)} and published versions {sorted(base_versions)} differ")
    _, _, again = translate({})
    if again != base_versions:
        fail(f"the same parameters gave different versions: {base_versions} / {again}")

    print(f"check-sam-versions: defaults: " + ", ".join(f"{f} {v[0]} ({v[1]})" for f, v in sorted(base_versions.items())))
    for parameter, value in VARIATIONS.items():
        _, functions, versions = translate({parameter: value})
        changed = [f for f in functions if functions[f] != base_functions[f]]
        if not changed:
            fail(f"{parameter}={value} changed no function's configuration: the variation tests nothing")
        for function in changed:
            if versions[function] == base_versions[function]:
                fail(f"{parameter}={value} changes {function}'s configuration but not its version "
                     f"{versions[function][0]}: the live alias would keep the old configuration")
        print(f"check-sam-versions: {parameter}={value}: new version of {', '.join(sorted(changed))}")
    # Completeness: every parameter a function's properties depend on feeds its digest.
    digest_inputs = source["Resources"].get("ConfigurationDigest", {}).get("Properties", {}).get("Functions", {})
    conditions = translated.get("Conditions", {})
    for function in base_functions:
        props = translated["Resources"][function]["Properties"]
        used = {p for p in parameter_refs(props, conditions) if p in source["Parameters"]}
        name = function.removesuffix("Function")
        missing = used - set(digest_inputs.get(name, {}))
        if missing:
            fail(f"{function} depends on {sorted(missing)}, which ConfigurationDigest.Functions.{name} lacks: "
                 "changing them would not publish a new version")
        for versioned_by in ("Description",):
            described = translated["Resources"][base_versions[function][0]]["Properties"].get(versioned_by)
            if described != {"Fn::GetAtt": ["ConfigurationDigest", name]}:
                fail(f"{function}'s version Description is {described!r}, not its configuration digest")

    check_fan_out(translate, source)
    print("check-sam-versions: OK")


if __name__ == "__main__":
    main()
