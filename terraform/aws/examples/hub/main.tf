# Hub account: creates the central bucket, lets the spoke functions' roles write their own
# account's records into it, and syncs this account's own scans through the buffered SQS trigger.
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
  description = "Globally unique name of the central bucket."
  type        = string
}

variable "source_bucket_name" {
  description = "Globally unique name of this account's scan bucket (created here)."
  type        = string
}

# S3 rejects a bucket policy whose principal is an account that does not exist, so there are
# no placeholder defaults: pass the real spoke accounts and their functions' roles.
variable "spoke_account_ids" {
  description = "Accounts of the spokes that push into the central bucket."
  type        = list(string)

  validation {
    condition     = length(var.spoke_account_ids) > 0 && alltrue([for a in var.spoke_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "spoke_account_ids: at least one 12-digit AWS account id."
  }
}

variable "spoke_role_arns" {
  description = "The spoke functions' roles (each spoke's object_created_role_arn output)."
  type        = list(string)

  validation {
    condition     = length(var.spoke_role_arns) > 0 && alltrue([for a in var.spoke_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "spoke_role_arns: at least one IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

module "stance_sync" {
  source = "../.."

  name                  = "stance-sync-hub"
  central_bucket_name   = var.central_bucket_name
  create_central_bucket = true
  spoke_account_ids     = var.spoke_account_ids
  spoke_role_arns       = var.spoke_role_arns

  source_bucket_name   = var.source_bucket_name
  create_source_bucket = true
  trigger_mode         = "sqs"

  # The hourly catch-up covers this account's own scans (events lost or expired). A GCS or Azure
  # source would need that cloud's credentials in the function (docs/deploy-aws.md).
  stance_sources = "s3://${var.source_bucket_name}/stance|${data.aws_caller_identity.current.account_id}|aws"
}

data "aws_caller_identity" "current" {}

output "central_uri" {
  value = module.stance_sync.central_uri
}
