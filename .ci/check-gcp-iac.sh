#!/usr/bin/env bash
# Offline checks of terraform/gcp: formatting, and that the function entry points the module
# deploys are classes that exist in gcp-function. The google provider cannot be downloaded
# here, so `terraform validate` is not run; arguments were checked against the provider schema.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v terraform >/dev/null 2>&1; then
  echo "check-gcp-iac: terraform is not installed (needed for 'terraform fmt -check')" >&2
  exit 1
fi

# Silence the warning about a missing ~/.terraformrc and keep any provider lookups offline.
cli_config="$(mktemp)"
trap 'rm -f "$cli_config"' EXIT
printf 'provider_installation {\n  filesystem_mirror {\n    path = "/opt/tf-plugins"\n  }\n}\n' >"$cli_config"
export TF_CLI_CONFIG_FILE="$cli_config"

if ! terraform fmt -check -diff -recursive terraform/gcp; then
  echo "check-gcp-iac: terraform/gcp is not 'terraform fmt' clean (run: terraform fmt -recursive terraform/gcp)" >&2
  exit 1
fi

status=0
for entry in $(grep -oE '"com\.mantissa\.stance\.sync\.gcp\.[A-Za-z0-9_]+"' terraform/gcp/*.tf | cut -d'"' -f2 | sort -u); do
  src="gcp-function/src/main/java/$(echo "$entry" | tr . /).java"
  if [[ ! -f "$src" ]]; then
    echo "check-gcp-iac: entry point $entry has no source file $src" >&2
    status=1
  fi
done
for entry in $(grep -oE 'entry-point=com\.mantissa\.stance\.sync\.gcp\.[A-Za-z0-9_]+' docs/deploy-gcp.md | cut -d= -f2 | sort -u); do
  src="gcp-function/src/main/java/$(echo "$entry" | tr . /).java"
  if [[ ! -f "$src" ]]; then
    echo "check-gcp-iac: docs/deploy-gcp.md deploys $entry, which has no source file $src" >&2
    status=1
  fi
done
[[ $status -eq 0 ]] || exit $status
echo "check-gcp-iac: terraform/gcp formatted; entry points exist"
