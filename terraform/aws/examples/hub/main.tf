# Hub account: creates the central bucket, lets two spoke accounts write their own records
# into it, and syncs this account's own scans through the buffered SQS trigger.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

module "stance_sync" {
  source = "../.."

  name                  = "stance-sync-hub"
  central_bucket_name   = "example-stance-central"
  create_central_bucket = true
  spoke_account_ids     = ["111111111111", "222222222222"]

  source_bucket_name   = "example-stance-scans-hub"
  create_source_bucket = true
  trigger_mode         = "sqs"

  # Hourly catch-up over a GCS spoke that cannot send events to AWS.
  stance_sources = "gs://example-gcp-scans/stance|my-gcp-project|gcp"
}

output "central_uri" {
  value = module.stance_sync.central_uri
}
