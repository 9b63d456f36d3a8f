/**
 * CloudWatch Logs limits that the query library, the saved-query construct and the CLI could breach.
 * Sources: CloudWatch Logs quotas (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html) and
 * the PutQueryDefinition / StartQuery API references.
 */

/** PutQueryDefinition `name`: 1–255 characters. */
export const MAX_QUERY_NAME_LENGTH = 255;

/** Characters CloudWatch refuses in a saved query's name (`/` is allowed: it makes console folders). */
export const FORBIDDEN_QUERY_NAME_CHARACTERS = [':', '*'] as const;

/** PutQueryDefinition / StartQuery `queryString`: at most 10,000 characters. */
export const MAX_QUERY_STRING_LENGTH = 10_000;

/** Saved query definitions per account and region. */
export const MAX_SAVED_QUERIES_PER_REGION = 1_000;

/** Log groups in one StartQuery call (`logGroupNames`) and in one saved definition. */
export const MAX_LOG_GROUPS_PER_QUERY = 50;

/** The `limit` command and StartQuery `limit` accept 1–10,000 rows. */
export const MAX_QUERY_RESULT_ROWS = 10_000;
