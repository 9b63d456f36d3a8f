import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CentralLogGroup } from '../central-log-group';
import { ForwarderDestination, forwarderLogGroupName } from '../forwarders/forwarder-names';
import type { LoggingEnvironment } from '../logging-environment';
import { MonitoringStack } from '../stacks/monitoring-stack';
import { createAlarms } from './alarm-factory';
import { ALARM_TABLE } from './alarm-table';
import { ArchiveHealthTarget, ForwarderHealthTarget } from './alarm-targets';
import { alarmTopicArn } from './alarm-topic';
import { ErrorEventsFilter } from './error-events-filter';
import { LlmMetricFilters } from './llm-metric-filters';

/** What the monitoring needs of the forwarders' stack (structural, so this module does not depend on it). */
export interface ForwarderSource {
  readonly forwarders: ReadonlyMap<
    ForwarderDestination,
    {
      readonly function: lambda.IFunction;
      readonly queues: { readonly retryQueue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue };
      readonly retryAttempts: number;
    }
  >;
}

/** What the monitoring needs of the archive's stack. */
export interface ArchiveSource {
  readonly delivery: ArchiveHealthTarget;
}

export interface DeployMonitoringOptions {
  /** @default - no forwarders */
  readonly forwarding?: ForwarderSource;
  /** @default - no archive */
  readonly archive?: ArchiveSource;
}

export function forwarderHealthTargets(environment: string, source?: ForwarderSource): ForwarderHealthTarget[] {
  return [...(source?.forwarders ?? [])].map(([destination, f]) => ({
    destination,
    function: f.function,
    logGroupName: forwarderLogGroupName(environment, destination),
    retryQueue: f.queues.retryQueue,
    deadLetterQueue: f.queues.deadLetterQueue,
    retryAttempts: f.retryAttempts,
  }));
}

/**
 * Deploys an environment's monitoring: the LLM metric filters of each `llm` group, and the error-events filter and
 * ceiling alarm of each `errors` group, in that group's wiring stack (they scale with the catalogue and never move
 * between stacks); and the stateless Monitoring stack with the topic, the environment-wide alarms, the Contributor
 * Insights rules and the dashboard.
 */
export function deployMonitoring(environment: LoggingEnvironment, options: DeployMonitoringOptions = {}): MonitoringStack {
  const env = environment.environment;
  const errorsGroups = env.logGroups.filter((g) => g.type === 'errors');
  const archive = options.archive?.delivery;

  for (const group of env.logGroups.filter((g) => g.type === 'llm')) {
    new LlmMetricFilters(environment.wiringStackFor(group.name), `${CentralLogGroup.idFor(group.name)}:LlmMetrics`, {
      logGroupName: group.name,
    });
  }

  const monitoring = environment.addStatelessStack(
    'Monitoring',
    'alarms, alarm topic, dashboard and Contributor Insights rules (stateless)',
    (scope, id, props) =>
      new MonitoringStack(scope, id, { ...props, environment: env, forwarders: forwarderHealthTargets(env.name, options.forwarding), archive }),
  );

  for (const group of errorsGroups) {
    const wiring = environment.wiringStackFor(group.name);
    new ErrorEventsFilter(wiring, `${CentralLogGroup.idFor(group.name)}:ErrorEvents`, { logGroupName: group.name });
    const topic =
      (wiring.node.tryFindChild('AlarmTopic') as sns.ITopic | undefined) ??
      sns.Topic.fromTopicArn(wiring, 'AlarmTopic', alarmTopicArn(wiring, env.name));
    createAlarms(new Construct(wiring, `${CentralLogGroup.idFor(group.name)}:Alarms`), ALARM_TABLE, 'errorsGroup', [group], {
      ...monitoring.alarmContext,
      topic,
    });
    wiring.addStackDependency(monitoring, 'the alarms notify the alarm topic');
  }
  return monitoring;
}
