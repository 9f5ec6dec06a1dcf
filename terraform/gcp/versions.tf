terraform {
  required_version = ">= 1.5.0" # terraform_data: 1.4

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
    # Zips the uber JAR that `mvn package` leaves in gcp-function/target/deployment.
    # The wait for IAM propagation on a first apply.
    time = {
      source  = "hashicorp/time"
      version = ">= 0.9"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4"
    }
  }
}
