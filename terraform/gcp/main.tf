locals {
  central_project = coalesce(var.central_project_id, var.project_id)
  central_bucket  = var.create_central_bucket ? google_storage_bucket.central[0].name : var.central_bucket_name
  central_uri     = "gs://${local.central_bucket}/${var.central_prefix}"
  account_id      = coalesce(var.account_id, var.project_id)

  enable_push     = var.source_bucket != null
  enable_schedule = var.enable_schedule

  function_source_dir = coalesce(var.function_source_dir, "${path.module}/../../gcp-function/target/deployment")

  # IAM resource names of central objects: a condition on this prefix keeps the writer out of
  # everything else in the bucket (see docs/deploy-gcp.md, "Least privilege", for what it cannot do).
  central_objects_prefix = "projects/_/buckets/${local.central_bucket}/objects/${var.central_prefix}/"

  # A gs:// pull target's bucket, which pull_target_bucket must name (the schedule's write grant).
  pull_target_gcs_bucket = var.pull_target != null && startswith(coalesce(var.pull_target, "-"), "gs://") ? split("/", trimprefix(var.pull_target, "gs://"))[0] : null

  # C1 only, as terraform/aws does: a short invocation never pays back C2's compile time (see
  # docs/performance.md). Setting JAVA_TOOL_OPTIONS replaces the heap size Google's launcher sets
  # when a deployment sets none, so it is set here the same way: 70% of the instance's memory.
  java_memory_mb = floor(tonumber(regex("^[0-9.]+", var.available_memory)) * (length(regexall("[Gg]", var.available_memory)) > 0 ? 1024 : 1))

  base_environment = merge({
    JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:MaxRAM=${local.java_memory_mb}m -XX:MaxRAMPercentage=70"
    }, var.environment, {
    STANCE_CENTRAL_URI = local.central_uri
  }, local.notify_environment)

  push_environment = merge(local.base_environment, local.resolve_environment, {
    STANCE_ACCOUNT_ID = local.account_id
  })

  schedule_environment = merge(
    local.base_environment,
    local.lifecycle_environment,
    local.fan_out_schedule_environment,
    length(var.sources) > 0 ? { STANCE_SOURCES = join("\n", [for s in var.sources : "${s.uri}|${s.account}|${s.provider}"]) } : {},
    var.pull_target != null ? { STANCE_PULL_TARGET = var.pull_target } : {},
  )

  # Services the functions, their triggers and the schedule are created through
  # (https://cloud.google.com/functions/docs/deploy#before-you-begin lists the first five).
  required_apis = concat(
    ["cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com",
      "artifactregistry.googleapis.com", "eventarc.googleapis.com", "pubsub.googleapis.com",
    "storage.googleapis.com", "iam.googleapis.com"],
    var.enable_schedule ? ["cloudscheduler.googleapis.com"] : [],
    # The export's dataset and external tables.
    var.export_bucket_name != null ? ["bigquery.googleapis.com"] : [],
  )

  # The functions that push write records under the central prefix (the IAM condition below):
  # the schedule only when it catches up itself; with the fan-out the workers push.
  central_writers = merge(
    local.enable_push ? { push = google_service_account.push[0].email } : {},
    local.enable_schedule && !local.enable_fan_out ? { schedule = google_service_account.schedule[0].email } : {},
  )

  entry_points = {
    push     = "com.mantissa.stance.sync.gcp.StorageObjectFinalizedFunction"
    schedule = "com.mantissa.stance.sync.gcp.ScheduledSyncFunction"
    worker   = "com.mantissa.stance.sync.gcp.PubSubWorkerFunction"
  }
}

# ---- central bucket -------------------------------------------------------------------

data "google_storage_project_service_account" "central" {
  count   = var.create_central_bucket && var.kms_key_name != null ? 1 : 0
  project = local.central_project
}

# The Cloud Storage service agent encrypts with the CMEK; without this grant the bucket cannot be created.
resource "google_kms_crypto_key_iam_member" "central_cmek" {
  count         = var.create_central_bucket && var.kms_key_name != null ? 1 : 0
  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_storage_project_service_account.central[0].email_address}"
}

resource "google_storage_bucket" "central" {
  count = var.create_central_bucket ? 1 : 0

  project                     = local.central_project
  name                        = var.central_bucket_name
  location                    = var.central_bucket_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy_central_bucket
  labels                      = var.labels

  # Every accepted write is a new generation; a bad push can be rolled back from the older ones.
  versioning {
    enabled = true
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.noncurrent_version_retention_days > 0 ? [var.noncurrent_version_retention_days] : []
    content {
      condition {
        days_since_noncurrent_time = lifecycle_rule.value
      }
      action {
        type = "Delete"
      }
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.central_cmek, terraform_data.apis_enabled]
}

# ---- APIs ----------------------------------------------------------------------------------

# The services the module's resources are created through. Enabled here (and left enabled on
# destroy: other workloads of the project may use them); set enable_apis = false where a platform
# team enables APIs, and the precondition below names what must be on.
# https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_service
# https://registry.terraform.io/providers/hashicorp/google/latest/docs/data-sources/project_service
resource "google_project_service" "required" {
  for_each                   = var.enable_apis ? toset(local.required_apis) : toset([])
  project                    = var.project_id
  service                    = each.value
  disable_on_destroy         = false
  disable_dependent_services = false
}

data "google_project_service" "required" {
  for_each = var.enable_apis ? toset([]) : toset(local.required_apis)
  project  = var.project_id
  service  = each.value
}

resource "terraform_data" "apis_enabled" {
  input = [for k, v in google_project_service.required : v.id]

  lifecycle {
    precondition {
      condition     = var.enable_apis || alltrue([for k, v in data.google_project_service.required : v.state == "ENABLED"])
      error_message = "enable_apis = false, but these APIs are not enabled in ${var.project_id}: ${join(", ", [for k, v in data.google_project_service.required : k if v.state != "ENABLED"])} (gcloud services enable ...)."
    }
  }
}

# Enabling an API creates its service agents, and new grants take a while to reach every
# service: an Eventarc trigger created right after them fails with "Permission denied while using
# the Eventarc Service Agent". The functions (and with them their triggers) wait this long after
# the APIs and the agents' grants; 0s where the project was set up before.
resource "time_sleep" "iam_propagation" {
  create_duration = var.iam_propagation_wait
  triggers = {
    apis   = join(",", terraform_data.apis_enabled.input)
    grants = join(",", concat(google_project_iam_member.trigger_event_receiver[*].id, google_project_iam_member.gcs_agent_pubsub_publisher[*].id))
  }
}

# ---- identities -------------------------------------------------------------------------

# One runtime identity per function, each with bucket-level grants only and no project role:
# the push function writes records under the central prefix and reads its scan bucket, nothing
# else; only the schedule function reads the whole central bucket (it lists the aggregate) and
# writes the pull target.
resource "google_service_account" "push" {
  count        = local.enable_push ? 1 : 0
  project      = var.project_id
  account_id   = "${var.name_prefix}-push"
  display_name = "stance-sync push function"
  description  = "Reads Stance scans of the source bucket and writes records under the central prefix."
  depends_on   = [terraform_data.apis_enabled]
}

resource "google_service_account" "schedule" {
  count        = local.enable_schedule ? 1 : 0
  project      = var.project_id
  account_id   = "${var.name_prefix}-sched"
  display_name = "stance-sync scheduled function"
  description  = "Catch-up over the configured sources into central, and the pull of central into the pull target."
  depends_on   = [terraform_data.apis_enabled]
}

# Eventarc delivers events as this identity; it may only invoke the two functions.
resource "google_service_account" "trigger" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-trigger"
  display_name = "stance-sync Eventarc triggers"
  description  = "Identity of the Eventarc triggers that invoke the stance-sync functions."
  depends_on   = [terraform_data.apis_enabled]

  # Refused at plan time (a check block would only warn); the trigger identity always exists.
  lifecycle {
    precondition {
      condition     = !var.fan_out || var.enable_schedule
      error_message = "fan_out sends the work from the scheduled function: set enable_schedule = true."
    }
  }
}

# Required by Eventarc for Cloud Storage (direct) events.
resource "google_project_iam_member" "trigger_event_receiver" {
  count   = local.enable_push ? 1 : 0
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.trigger.email}"
}

data "google_storage_project_service_account" "functions" {
  count   = local.enable_push ? 1 : 0
  project = var.project_id
}

# Cloud Storage's service agent publishes the bucket's notifications into Eventarc's Pub/Sub transport.
resource "google_project_iam_member" "gcs_agent_pubsub_publisher" {
  count   = local.enable_push ? 1 : 0
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.functions[0].email_address}"
}

# ---- data access (bucket level) ------------------------------------------------------------

# Write (create, overwrite with a generation precondition, read back) only under the central prefix.
# objectUser rather than objectCreator: replacing an existing record needs storage.objects.delete.
resource "google_storage_bucket_iam_member" "central_write" {
  for_each = local.central_writers
  bucket   = local.central_bucket
  role     = "roles/storage.objectUser"
  member   = "serviceAccount:${each.value}"

  condition {
    title       = "${var.name_prefix}-central-prefix"
    description = "Objects under the central prefix only."
    expression  = "resource.name.startsWith(\"${local.central_objects_prefix}\")"
  }
}

# With resolve_missing the push function lists central's findings and assets (whose keys begin
# with the hash folder, not the account), and listing is bucket-level, which the prefix condition
# above denies: it gets the one predefined role that lists without reading object content.
resource "google_storage_bucket_iam_member" "push_central_list" {
  count  = local.enable_push && var.resolve_missing ? 1 : 0
  bucket = local.central_bucket
  role   = "roles/storage.legacyBucketReader"
  member = "serviceAccount:${google_service_account.push[0].email}"
}

# The scheduled catch-up and the PULL list the aggregate; listing is a bucket-level permission
# that a prefix condition would deny, so the hub's function gets read access to the whole bucket.
resource "google_storage_bucket_iam_member" "central_read" {
  count  = local.enable_schedule ? 1 : 0
  bucket = local.central_bucket
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.schedule[0].email}"
}

resource "google_storage_bucket_iam_member" "source_read" {
  count  = local.enable_push ? 1 : 0
  bucket = var.source_bucket
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.push[0].email}"
}

# The catch-up reads the sources; a tick that fans out does not (the workers do).
resource "google_storage_bucket_iam_member" "scheduled_source_read" {
  for_each = local.enable_schedule && !local.enable_fan_out ? toset(var.source_read_buckets) : toset([])
  bucket   = each.value
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.schedule[0].email}"
}

resource "google_storage_bucket_iam_member" "pull_target_write" {
  count  = local.enable_schedule && var.pull_target_bucket != null ? 1 : 0
  bucket = var.pull_target_bucket
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.schedule[0].email}"
}

# ---- function source ---------------------------------------------------------------------------

resource "google_storage_bucket" "function_source" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-gcf-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # Holds nothing but build inputs that this module re-uploads.
  force_destroy = true
  labels        = var.labels
  depends_on    = [terraform_data.apis_enabled]
}

# "Deploy from a JAR": the uploaded archive holds exactly the one uber JAR.
data "archive_file" "function" {
  type        = "zip"
  source_dir  = local.function_source_dir
  output_path = "${path.root}/.terraform/${var.name_prefix}-gcp-function.zip"
}

resource "google_storage_bucket_object" "function" {
  # Content-addressed name: a new JAR is a new object, which makes the functions redeploy.
  name   = "${var.name_prefix}-gcp-function-${data.archive_file.function.output_md5}.zip"
  bucket = google_storage_bucket.function_source.name
  source = data.archive_file.function.output_path
}
