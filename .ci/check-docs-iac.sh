#!/usr/bin/env bash
# Runs the offline-checkable steps of docs/deploy-{aws,azure,gcp}.md as the docs write them:
#   * every `mvn -B -pl <module> -am package` line of a ```bash block (the modules of all docs in
#     one reactor build with -DskipTests: the tests ran in `mvn -B verify`; a line with a cloud
#     flag, -Pwith-aws/-Pwith-gcp/-Pwith-azure/-Pall-clouds, is built on its own first and its
#     artifact must then hold that cloud's SDK), then checks what the docs say it leaves behind
#     (the shaded Lambda jar; azure-functions:package's staging folder with host.json and one
#     function.json per function; the single GCP deployment jar);
#   * every `sam deploy ... --parameter-overrides` of deploy-aws.md: each override must be a
#     template parameter with an allowed value, and the SAM transform must accept the template
#     with those values (SAM translator, shipped with cfn-lint);
#   * every terraform root the docs `cd` into or pass to -chdir: fmt -check, then init and validate
#     with providers from the offline mirror. The google and azurerm providers are not in the
#     mirror: for those roots init/validate cannot run offline, which is printed, and
#     check-gcp-iac.sh / check-azure-iac.sh run their static checks instead.
# Any failure fails the run. usage: .ci/check-docs-iac.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fail() { echo "check-docs-iac: FAILED: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/terraform-lib.sh"

command -v mvn >/dev/null || fail "mvn (Maven 3.8+) is not installed"
command -v terraform >/dev/null || fail "terraform is not installed (Terraform >= 1.6)"
python3 -c 'import samtranslator, cfnlint' 2>/dev/null || fail "python3 cannot import samtranslator: pip install cfn-lint"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
offline_terraform "$work"

# Lines of ```bash blocks, with backslash continuations joined.
bash_lines() {
  awk '/^```bash/{on=1; next} /^```/{on=0} on' "$1" | sed -e ':a' -e '/\\$/N; s/\\\n */ /; ta'
}

cd "$root"
start=$(date +%s)
# Whether the artifact of module $1 holds class file $2 (the Azure staging folder: in a lib/ jar).
artifact_has() {
  local files
  case "$1" in
    aws-lambda) files=(aws-lambda/target/stance-sync-aws-lambda.jar) ;;
    gcp-function) files=(gcp-function/target/deployment/*.jar) ;;
    azure-function) files=(azure-function/target/azure-functions/*/lib/*.jar) ;;
    *) fail "no artifact known for module $1" ;;
  esac
  local f
  for f in "${files[@]}"; do
    # Not a pipe: grep -q stops reading early, and pipefail would count unzip's SIGPIPE.
    grep -qxF "$2" < <(unzip -Z1 "$f" 2>/dev/null) && return 0
  done
  return 1
}
# The class that shows a cloud's storage SDK is in an artifact.
sdk_class() {
  case "$1" in
    aws) echo software/amazon/awssdk/services/s3/S3Client.class ;;
    gcp) echo com/google/cloud/storage/StorageOptions.class ;;
    azure) echo com/azure/storage/blob/BlobServiceClientBuilder.class ;;
  esac
}

modules=()
for doc in docs/deploy-aws.md docs/deploy-azure.md docs/deploy-gcp.md; do
  builds="$(bash_lines "$doc" | sed -E 's/ +#.*$//' | grep -E '^mvn -B -pl [a-z-]+ -am package( |$)' | sort -u)"
  [[ -n "$builds" ]] || fail "$doc shows no 'mvn -B -pl <module> -am package' command"
  while IFS= read -r cmd; do
    echo "check-docs-iac: $doc: $cmd"
    # Only the module, a cloud flag and -DskipTests / -DfunctionAppName style options may vary:
    # anything else would be a command this check does not run.
    rest="$(sed -E 's/^mvn -B -pl [a-z-]+ -am package//; s/ -D[A-Za-z.]+(=[^ ]*)?//g; s/ -P(with-aws|with-gcp|with-azure|all-clouds)( |$)/\2/' <<<"$cmd")"
    [[ -z "${rest// /}" ]] || fail "$doc: unexpected arguments '$rest' in: $cmd"
    module="$(awk '{print $4}' <<<"$cmd")"
    flag="$(grep -oE ' -P(with-aws|with-gcp|with-azure|all-clouds)' <<<"$cmd" | sed 's/ -P//' || true)"
    if [[ -z "$flag" ]]; then
      modules+=("$module")
      continue
    fi
    # A flagged build, before the plain one below leaves the default artifacts in place.
    mvn -B -q -pl "$module" -am package -DskipTests -P"$flag" || fail "$doc: $cmd fails"
    case "$flag" in
      all-clouds) clouds="aws gcp azure" ;;
      *) clouds="${flag#with-}" ;;
    esac
    for cloud in $clouds; do
      artifact_has "$module" "$(sdk_class "$cloud")" || fail "$doc: $cmd left no $cloud SDK in the $module artifact"
    done
  done <<<"$builds"
done
# The documented package commands differ only in the module: one reactor build runs them all
# (the shared core is built once), with the tests left to `mvn -B verify`.
list="$(printf '%s\n' "${modules[@]}" | sort -u | paste -sd, -)"
echo "check-docs-iac: mvn -B -q -pl $list -am package -DskipTests"
mvn -B -q -pl "$list" -am package -DskipTests || fail "the documented mvn package commands fail"

jar=aws-lambda/target/stance-sync-aws-lambda.jar
[[ -f "$jar" ]] || fail "docs/deploy-aws.md promises $jar"
# The default artifacts carry their own cloud's SDK and no other (README, "Function artifacts").
for pair in aws-lambda:aws gcp-function:gcp azure-function:azure; do
  module="${pair%%:*}" own="${pair##*:}"
  artifact_has "$module" "$(sdk_class "$own")" || fail "the $module artifact lacks its own cloud's SDK"
  for cloud in aws gcp azure; do
    [[ "$cloud" == "$own" ]] && continue
    if artifact_has "$module" "$(sdk_class "$cloud")"; then
      fail "the default $module artifact carries the $cloud SDK"
    fi
  done
done
staging="$(ls -d azure-function/target/azure-functions/*/ 2>/dev/null | head -1)"
[[ -n "$staging" && -f "$staging/host.json" ]] || fail "docs/deploy-azure.md: azure-functions:package left no staging folder with host.json"
for fn in StanceEventGridSync StanceBlobSync StanceProducerBlobSync StanceScheduledSync StanceQueueWorker; do
  [[ -f "$staging/$fn/function.json" ]] || fail "docs/deploy-azure.md: $staging$fn/function.json is missing"
done
jars=(gcp-function/target/deployment/*.jar)
[[ ${#jars[@]} -eq 1 && -f "${jars[0]}" ]] || fail "docs/deploy-gcp.md: gcp-function/target/deployment must hold exactly one jar: ${jars[*]}"
echo "check-docs-iac: builds as documented: $(( $(date +%s) - start ))s"

echo "check-docs-iac: SAM transform of docs/deploy-aws.md's sam deploy commands"
bash_lines docs/deploy-aws.md | grep -E '^sam deploy ' >"$work/sam-deploys" || fail "docs/deploy-aws.md shows no sam deploy command"
python3 - "$root/template.yaml" "$work/sam-deploys" <<'PY' || fail "a sam deploy command of docs/deploy-aws.md does not transform"
import json, os, re, shlex, sys
from cfnlint.decode import cfn_yaml
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
source = json.loads(json.dumps(cfn_yaml.load(sys.argv[1])))
parameters = source["Parameters"]
for line in open(sys.argv[2]):
    words = shlex.split(line)
    overrides = {}
    if "--parameter-overrides" in words:
        for word in words[words.index("--parameter-overrides") + 1:]:
            if word.startswith("--"):
                break
            name, _, value = word.partition("=")
            overrides[name] = value
    for name, value in overrides.items():
        spec = parameters.get(name)
        if spec is None:
            sys.exit(f"{name} is not a parameter of template.yaml")
        values = value.split(",") if spec["Type"] == "CommaDelimitedList" else [value]
        for v in values:
            if "AllowedValues" in spec and v not in [str(a) for a in spec["AllowedValues"]]:
                sys.exit(f"{name}={v}: not one of {spec['AllowedValues']}")
            if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], v):
                sys.exit(f"{name}={v}: does not match {spec['AllowedPattern']}")
    missing = [n for n, s in parameters.items() if "Default" not in s and n not in overrides]
    if missing:
        sys.exit(f"stack {words[words.index('--stack-name') + 1]}: required parameters missing: {missing}")
    template = json.loads(json.dumps(source))
    template["Globals"]["Function"]["CodeUri"] = "s3://artifacts/stance-sync-aws-lambda.jar"
    values = {n: s["Default"] for n, s in parameters.items() if "Default" in s}
    values.update({n: (v.split(",") if parameters[n]["Type"] == "CommaDelimitedList" else v) for n, v in overrides.items()})
    out = Translator(managed_policy_map={}, sam_parser=Parser()).translate(sam_template=template, parameter_values=values)
    kinds = sorted({r["Type"] for r in out["Resources"].values() if r["Type"].startswith("AWS::Lambda::")})
    print(f"check-docs-iac:   stack {words[words.index('--stack-name') + 1]}: {len(overrides)} overrides, "
          f"{len(out['Resources'])} resources ({', '.join(kinds)})")
PY

echo "check-docs-iac: terraform roots of the docs"
named="$(grep -hoE '(cd |-chdir=)terraform/[a-z]+(/examples/[a-z]+)?' docs/deploy-*.md | sed -E 's/^(cd |-chdir=)//' | sort -u)"
[[ -n "$named" ]] || fail "the docs name no terraform root"
for dir in $named; do
  [[ -d "$dir" ]] || fail "the docs cd into $dir, which does not exist"
done
# The roots the docs cd into, the modules they source, and every example root.
roots="$(printf '%s\n' $named terraform/aws terraform/azure terraform/gcp terraform/*/examples/* | sort -u)"
for dir in $roots; do
  terraform -chdir="$dir" fmt -check -diff >/dev/null || fail "terraform fmt -check $dir (run terraform fmt -recursive)"
  providers="$(grep -hoE 'source *= *"hashicorp/[a-z]+"' "$dir"/*.tf | grep -oE '[a-z]+"$' | tr -d '"' | sort -u)"
  offline=1
  for p in $providers; do
    [[ -d "$mirror/registry.terraform.io/hashicorp/$p" ]] || offline=0
  done
  if [[ "$dir" == terraform/aws ]]; then
    echo "check-docs-iac: $dir: fmt clean (init/validate: check-aws-iac.sh)"
    continue
  fi
  if [[ $offline -eq 0 ]]; then
    echo "check-docs-iac: $dir: fmt clean; init/validate need hashicorp/{$(echo $providers | tr ' ' ',')}, not in $mirror (not checkable offline)"
    continue
  fi
  export TF_DATA_DIR="$work/data/${dir//\//_}"
  terraform -chdir="$dir" init -backend=false -input=false -no-color -lockfile=readonly >"$work/init.log" 2>&1 \
    || terraform -chdir="$dir" init -backend=false -input=false -no-color >"$work/init.log" 2>&1 \
    || { cat "$work/init.log" >&2; fail "terraform init in $dir"; }
  terraform -chdir="$dir" validate -no-color >/dev/null || { terraform -chdir="$dir" validate -no-color >&2; fail "terraform validate in $dir"; }
  echo "check-docs-iac: $dir: fmt, init, validate"
done
echo "check-docs-iac: OK ($(( $(date +%s) - start ))s)"
