# Spoke account: an existing Stance scan bucket with EventBridge notifications turned on
# (aws s3api put-bucket-notification-configuration ... '{"EventBridgeConfiguration":{}}')
# pushes into the hub's central bucket; the hub's bucket policy limits it to its own records.
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

  name                  = "stance-sync-spoke"
  central_bucket_name   = "example-stance-central"
  create_central_bucket = false

  source_bucket_name = "example-stance-scans-spoke"
  trigger_mode       = "eventbridge"
  schedule_enabled   = false
}
