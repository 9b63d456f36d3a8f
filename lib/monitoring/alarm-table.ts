import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AlarmScope, AlarmTargets } from './alarm-targets';
import { ERROR_EVENTS_METRIC, ERROR_EVENTS_NAMESPACE } from './error-events-filter';
import { acrossModels, llmErrorRate, llmMetric } from './llm-metrics';
import { AlarmThresholdName, AlarmThresholds } from './monitoring-config';
import { SavedQueryId } from './saved-query-hints';

const { GREATER_THAN_THRESHOLD, GREATER_THAN_UPPER_THRESHOLD } = cloudwatch.ComparisonOperator;
const FIVE_MINUTES = Duration.minutes(5);

interface AlarmRowBase<S extends AlarmScope> {
  /** Stable: alarm name and construct id. */
  readonly id: string;
  readonly scope: S;
  /** README: what the alarm watches. */
  readonly what: string;
  /** The threshold it reads from config. */
  readonly threshold: AlarmThresholdName | 'none';
  /** The metric (or expression) evaluated. */
  readonly metric: (target: AlarmTargets[S], thresholds: AlarmThresholds) => cloudwatch.IMetric;
  /** Part of the alarm name that tells targets of one row apart (undefined: one alarm per environment). */
  readonly label?: (target: AlarmTargets[S]) => string;
  /** First sentence of the description: what happened, in the reader's words. */
  readonly happened: (target: AlarmTargets[S], thresholds: AlarmThresholds) => string;
  /** Saved queries to run next, most useful first. */
  readonly queries: readonly SavedQueryId[];
  /** What to do, after the queries. */
  readonly todo: (target: AlarmTargets[S]) => string;
  readonly evaluationPeriods: number;
  /** @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
}

/** Fires when the metric crosses a fixed threshold. */
export interface StaticAlarmRow<S extends AlarmScope> extends AlarmRowBase<S> {
  readonly kind: 'static';
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly value: (thresholds: AlarmThresholds) => number;
}

/** Fires when the metric leaves CloudWatch's learned band (anomaly detection). */
export interface AnomalyAlarmRow<S extends AlarmScope> extends AlarmRowBase<S> {
  readonly kind: 'anomaly';
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly stdDevs: (thresholds: AlarmThresholds) => number;
}

export type AlarmRowOf<S extends AlarmScope> = StaticAlarmRow<S> | AnomalyAlarmRow<S>;
export type AlarmRow = { [S in AlarmScope]: AlarmRowOf<S> }[AlarmScope];

const logsIncomingEvents = (logGroupName: string) =>
  new cloudwatch.Metric({
    namespace: 'AWS/Logs',
    metricName: 'IncomingLogEvents',
    dimensionsMap: { LogGroupName: logGroupName },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });

const minutes = (value: number) => `${value} minute${value === 1 ? '' : 's'}`;
/** What Lambda does with a crashed invocation of the forwarder, as configured (0–2 retries, see LogForwarder). */
const afterCrash = (retryAttempts: number) =>
  retryAttempts === 0
    ? 'Lambda does not retry them: each crashed event goes straight to the dead-letter queue.'
    : `Lambda retries each ${retryAttempts === 1 ? 'once' : 'twice'}, then sends it to the dead-letter queue.`;
const usd = (value: number) => `$${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;

/**
 * Every alarm of an environment, one row each. The anomaly rules of AI-API audit logging (oversized prompts, slow
 * or failing calls, spend, per-user bursts), error spikes, and everything that could lose a log on its way
 * (forwarder dead letters, retry backlog, Lambda errors, dropped on-failure records and throttles, a stalled
 * archive). A new alarm is a new row.
 */
export const ALARM_TABLE: readonly AlarmRow[] = [
  {
    id: 'LlmLargePrompt',
    scope: 'llm',
    kind: 'static',
    what: 'A single LLM request with more prompt (input) tokens than the threshold',
    threshold: 'promptTokensPerRequest',
    metric: () => acrossModels('inputTokens', 'MAX', FIVE_MINUTES, 'Largest prompt (tokens)'),
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.promptTokensPerRequest,
    evaluationPeriods: 1,
    happened: (_, t) => `An LLM request sent more than ${t.promptTokensPerRequest.toLocaleString('en-US')} prompt tokens.`,
    queries: ['llm/large-prompts'],
    todo: () => 'Find the caller and trace; look for context that grows without bound (agent loops, whole documents) and cap it.',
  },
  {
    id: 'LlmLatencyP95',
    scope: 'llm',
    kind: 'static',
    what: 'p95 latency of LLM calls over 5 minutes, in 2 of the last 3 periods',
    threshold: 'latencyP95Ms',
    metric: () => llmMetric('latencyMs', 'p95', FIVE_MINUTES, 'LLM latency p95 (ms)'),
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.latencyP95Ms,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    happened: (_, t) => `The p95 latency of LLM calls stayed above ${t.latencyP95Ms / 1000} s.`,
    queries: ['llm/latency-percentiles-by-model'],
    todo: () => "Check the slow model's provider status page and rate limits; consider a faster model or streaming.",
  },
  {
    id: 'LlmErrorRate',
    scope: 'llm',
    kind: 'static',
    what: 'Share of failed LLM calls (HTTP status ≥ 400) over 5 minutes, once the period holds enough calls',
    threshold: 'errorRatePercent',
    metric: (_, t) => llmErrorRate(t.errorRateMinimumCalls, FIVE_MINUTES),
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.errorRatePercent,
    evaluationPeriods: 1,
    happened: (_, t) =>
      `More than ${t.errorRatePercent}% of LLM calls failed in 5 minutes (at least ${t.errorRateMinimumCalls} calls).`,
    queries: ['llm/failed-calls-by-status'],
    todo: () => '429s: rate or quota limits, slow down or raise them; 401/403: a key was revoked or rotated; 5xx: the provider.',
  },
  {
    id: 'LlmHourlyCost',
    scope: 'llm',
    kind: 'static',
    what: "LLM spend in one hour (cost_usd as logged), against the environment's budget",
    threshold: 'hourlyCostUsd',
    metric: () => acrossModels('costUsd', 'SUM', Duration.hours(1), 'LLM cost (USD per hour)'),
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.hourlyCostUsd,
    evaluationPeriods: 1,
    happened: (_, t) => `LLM calls cost more than ${usd(t.hourlyCostUsd)} in one hour.`,
    queries: ['llm/tokens-and-cost-by-model', 'llm/top-users'],
    todo: () => 'Find the model and the users behind the spend; a runaway job or a leaked key is the usual cause.',
  },
  {
    id: 'LlmUserBurst',
    scope: 'userBurst',
    kind: 'static',
    what: 'LLM calls of the busiest single user in one minute (Contributor Insights, no per-user metrics)',
    threshold: 'callsPerUserPerMinute',
    metric: (target) =>
      new cloudwatch.MathExpression({
        expression: `INSIGHT_RULE_METRIC('${target.ruleName}', 'MaxContributorValue')`,
        usingMetrics: {},
        period: Duration.minutes(1),
        label: 'Calls of the busiest user per minute',
      }),
    label: (target) => `${target.plan.row.id}-${target.plan.part}`,
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.callsPerUserPerMinute,
    evaluationPeriods: 1,
    happened: (target, t) =>
      `One user (${target.plan.row.userField}) made more than ${t.callsPerUserPerMinute} LLM calls in a minute` +
      (target.plan.parts > 1 ? ` (rule part ${target.plan.part} of ${target.plan.parts}).` : '.'),
    queries: ['llm/bursty-users', 'llm/top-users'],
    todo: (target) =>
      `See the top contributors of Contributor Insights rule ${target.plan.ruleName}; a script, a leaked key or a looping agent. Block or rate-limit the user.`,
  },
  {
    id: 'ErrorEventsAnomaly',
    scope: 'errors',
    kind: 'anomaly',
    what: "Events arriving in all errors groups together, against CloudWatch's learned band (anomaly detection)",
    threshold: 'errorAnomalyStdDevs',
    metric: () =>
      new cloudwatch.Metric({
        namespace: ERROR_EVENTS_NAMESPACE,
        metricName: ERROR_EVENTS_METRIC,
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label: 'Error events',
      }),
    comparison: GREATER_THAN_UPPER_THRESHOLD,
    stdDevs: (t) => t.errorAnomalyStdDevs,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    happened: (target) => `Errors across the ${target.errorsGroupNames.length} errors groups rose above their usual band.`,
    queries: ['errors/error-rate-by-service', 'errors/top-error-patterns'],
    todo: () => 'The first query shows which service; compare with its last deploy. The Sentry issue of the top pattern has the stack trace.',
  },
  {
    id: 'ErrorEventsCeiling',
    scope: 'errorsGroup',
    kind: 'static',
    what: 'Events arriving in an errors group per 5 minutes, against a fixed ceiling',
    threshold: 'errorEventsPerFiveMinutes',
    metric: (group) => logsIncomingEvents(group.name),
    label: (group) => group.name,
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.errorEventsPerFiveMinutes,
    evaluationPeriods: 1,
    happened: (group, t) =>
      `${group.service} ${group.resourceName} logged more than ${t.errorEventsPerFiveMinutes} errors in 5 minutes (${group.name}).`,
    queries: ['errors/top-error-patterns', 'errors/recent-errors'],
    todo: () => 'Compare with the last deploy; the Sentry issue of the top pattern has the stack trace.',
  },
  {
    id: 'ForwarderDeadLetters',
    scope: 'forwarder',
    kind: 'static',
    what: "Messages in a forwarder's dead-letter queue (deliveries given up on)",
    threshold: 'none',
    metric: (f) => f.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES }),
    label: (f) => f.destination,
    comparison: GREATER_THAN_THRESHOLD,
    value: () => 0,
    evaluationPeriods: 1,
    happened: (f) => `Log events meant for ${f.destination} reached the dead-letter queue: they were not delivered.`,
    queries: [],
    todo: (f) =>
      `Read a message of the ${f.destination} dead-letter queue (Forwarding stack) for the reason, fix it (key, quota, payload), then redrive it to the retry queue (SQS start-message-move-task).`,
  },
  {
    id: 'ForwarderRetryBacklog',
    scope: 'forwarder',
    kind: 'static',
    what: "Age of the oldest message in a forwarder's retry queue",
    threshold: 'retryQueueAgeMinutes',
    metric: (f) => f.retryQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: FIVE_MINUTES }),
    label: (f) => f.destination,
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.retryQueueAgeMinutes * 60,
    evaluationPeriods: 1,
    happened: (f, t) =>
      `Deliveries to ${f.destination} have waited more than ${minutes(t.retryQueueAgeMinutes)} in the retry queue: the destination is down or refusing.`,
    queries: [],
    todo: (f) =>
      `Check ${f.destination}'s status and the forwarder's log group ${f.logGroupName} for the refusal; parked events go to the DLQ after their last try.`,
  },
  {
    id: 'ForwarderErrors',
    scope: 'forwarder',
    kind: 'static',
    what: 'Invocation errors of a forwarder Lambda',
    threshold: 'none',
    metric: (f) => f.function.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
    label: (f) => f.destination,
    comparison: GREATER_THAN_THRESHOLD,
    value: () => 0,
    evaluationPeriods: 1,
    happened: (f) => `The ${f.destination} forwarder failed invocations. ${afterCrash(f.retryAttempts)}`,
    queries: [],
    todo: (f) => `Read the ERROR lines of the forwarder's log group ${f.logGroupName}.`,
  },
  {
    id: 'ForwarderDestinationFailures',
    scope: 'forwarder',
    kind: 'static',
    what: "Failed invocations Lambda could not write to a forwarder's dead-letter queue (its on-failure destination)",
    threshold: 'none',
    // Lambda's only signal that an on-failure record was dropped (permissions, KMS, a record over the queue's size).
    metric: (f) => f.function.metric('DestinationDeliveryFailures', { statistic: 'Sum', period: FIVE_MINUTES }),
    label: (f) => f.destination,
    comparison: GREATER_THAN_THRESHOLD,
    value: () => 0,
    evaluationPeriods: 1,
    happened: (f) => `Lambda could not record crashed invocations of the ${f.destination} forwarder in its dead-letter queue: those log batches are lost.`,
    queries: [],
    todo: (f) =>
      `Check the forwarder role's sqs:SendMessage and KMS grants on the dead-letter queue, and the forwarder's log group ${f.logGroupName} for the crashes; replay the lost window from the source log groups (the archive or the groups themselves).`,
  },
  {
    id: 'ForwarderThrottles',
    scope: 'forwarder',
    kind: 'static',
    what: 'Throttled invocations of a forwarder Lambda',
    threshold: 'none',
    metric: (f) => f.function.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
    label: (f) => f.destination,
    comparison: GREATER_THAN_THRESHOLD,
    value: () => 0,
    evaluationPeriods: 1,
    happened: (f) => `The ${f.destination} forwarder was throttled: log batches wait and may be dropped.`,
    queries: [],
    todo: () => "Raise the forwarder's reservedConcurrency in config, or the account's concurrency quota.",
  },
  {
    id: 'ArchiveDeliveryDelay',
    scope: 'archive',
    kind: 'static',
    what: 'Age of the oldest record the archive has not yet written to S3',
    threshold: 'archiveDeliveryDelayMinutes',
    metric: (a) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToS3.DataFreshness',
        dimensionsMap: { DeliveryStreamName: a.deliveryStreamName },
        statistic: 'Maximum',
        period: FIVE_MINUTES,
      }),
    comparison: GREATER_THAN_THRESHOLD,
    value: (t) => t.archiveDeliveryDelayMinutes * 60,
    evaluationPeriods: 1,
    happened: (_, t) =>
      `Archived log events have waited more than ${minutes(t.archiveDeliveryDelayMinutes)} to reach S3; Firehose keeps them 24 hours, then drops them.`,
    queries: [],
    todo: (a) => `Read ${a.errorLogGroupName} (S3 or KMS access denied, bucket policy changed) and fix it within the day.`,
  },
];
