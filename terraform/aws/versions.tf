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
