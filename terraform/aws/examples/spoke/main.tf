# Spoke account: an existing Stance scan bucket with EventBridge notifications turned on
# (aws s3api put-bucket-notification-configuration ... '{"EventBridgeConfiguration":{}}')
# pushes into the hub's central bucket; the hub's bucket policy limits it to its own records.
# Give the hub this spoke's account id and the object_created_role_arn output.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # logging_config (log group, format, levels) on aws_lambda_function arrived in 5.32.
      version = ">= 5.32, < 6.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "central_bucket_name" {
  description = "The hub's central bucket."
  type        = string
}

variable "source_bucket_name" {
  description = "This account's existing scan bucket."
  type        = string
}

module "stance_sync" {
  source = "../.."

  name                  = "stance-sync-spoke"
  central_bucket_name   = var.central_bucket_name
  create_central_bucket = false

  source_bucket_name = var.source_bucket_name
  trigger_mode       = "eventbridge"
  schedule_enabled   = false
}

output "object_created_role_arn" {
  description = "The hub's spoke_role_arns entry for this spoke."
  value       = module.stance_sync.object_created_role_arn
}
