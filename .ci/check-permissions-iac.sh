#!/usr/bin/env bash
# The grants of template.yaml, terraform/gcp and terraform/azure held to the permissions table
# (docs/permissions.json): .ci/check-permissions-iac.py. terraform/aws: check-aws-policy-iac.sh.
set -euo pipefail
exec python3 "$(dirname "$0")/check-permissions-iac.py"
