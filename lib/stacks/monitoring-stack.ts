import { ArnFormat, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ResolvedEnvironment } from '../config/resolve';
import { AlarmContext, alarmNames, createAlarms } from '../monitoring/alarm-factory';
import { ALARM_TABLE } from '../monitoring/alarm-table';
import { ArchiveHealthTarget, ForwarderHealthTarget } from '../monitoring/alarm-targets';
import { AlarmTopic, alarmTopicName } from '../monitoring/alarm-topic';
import { LoggingDashboard } from '../monitoring/dashboard';
import { SavedQueryHints } from '../monitoring/saved-query-hints';
import { UserBurstRule, planUserBurstRules } from '../monitoring/user-burst-rules';

export interface MonitoringStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
  /** The forwarders whose health is watched. @default - none */
  readonly forwarders?: readonly ForwarderHealthTarget[];
  /** The archive whose delivery is watched. @default - no archive */
  readonly archive?: ArchiveHealthTarget;
}

/**
 * Stateless: the environment's alarm topic, its environment-wide alarms (LLM anomalies, per-user bursts on
 * Contributor Insights rules, the errors anomaly band, forwarder health, archive delivery), and its dashboard. The per-group alarms of
 * `errors` groups live in the groups' wiring stacks (they scale with the catalogue, and must not move between
 * stacks); the dashboard shows them by name.
 */
export class MonitoringStack extends Stack {
  public readonly topic: AlarmTopic;
  public readonly alarms: readonly cloudwatch.Alarm[];
  public readonly userBurstRules: readonly UserBurstRule[];
  public readonly dashboard: LoggingDashboard;
  /** Shared with the alarms built in other stacks. */
  public readonly alarmContext: Omit<AlarmContext, 'topic'>;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const env = props.environment;
    const forwarders = props.forwarders ?? [];
    this.alarmContext = {
      environment: env.name,
      thresholds: env.monitoring.thresholds,
      queries: new SavedQueryHints(env.project, env.name),
    };
    this.topic = new AlarmTopic(this, 'AlarmTopic', {
      environment: env.name,
      emails: env.monitoring.alarmEmails,
      httpsEndpoints: env.monitoring.alarmHttpsEndpoints,
      removalPolicy: env.removalPolicy,
    });
    const context: AlarmContext = { ...this.alarmContext, topic: this.topic.topic };

    const llmGroupNames = env.logGroups.filter((g) => g.type === 'llm').map((g) => g.name);
    const errorsGroups = env.logGroups.filter((g) => g.type === 'errors');
    const rules = planUserBurstRules(env.name, llmGroupNames).map(
      (plan) => new UserBurstRule(this, `UserBurst-${plan.row.id}-${plan.part}`, plan),
    );
    this.userBurstRules = rules;

    const alarms = [
      ...createAlarms(this, ALARM_TABLE, 'llm', llmGroupNames.length > 0 ? [{ llmGroupNames }] : [], context),
      ...createAlarms(this, ALARM_TABLE, 'userBurst', rules.map((rule) => ({ plan: rule.plan, ruleName: rule.ruleName })), context),
      ...createAlarms(this, ALARM_TABLE, 'errors', errorsGroups.length > 0 ? [{ errorsGroupNames: errorsGroups.map((g) => g.name) }] : [], context),
      ...createAlarms(this, ALARM_TABLE, 'forwarder', forwarders, context),
      ...createAlarms(this, ALARM_TABLE, 'archive', props.archive ? [props.archive] : [], context),
    ];
    this.alarms = alarms;

    // The errors groups' alarms, by name (they are created in the wiring stacks).
    const groupAlarms = alarmNames(ALARM_TABLE, 'errorsGroup', errorsGroups, env.name).map((name) =>
      cloudwatch.Alarm.fromAlarmArn(
        this,
        `GroupAlarm-${name}`,
        this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ),
    );

    this.dashboard = new LoggingDashboard(this, 'Dashboard', {
      environment: env.name,
      logGroups: env.logGroups,
      alarms: [...alarms, ...groupAlarms],
      alarmTopicName: alarmTopicName(env.name),
      forwarders,
      archive: props.archive,
    });
  }
}
