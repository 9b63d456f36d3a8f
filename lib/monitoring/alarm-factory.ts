import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { AlarmRow, AlarmRowOf } from './alarm-table';
import { AlarmScope, AlarmTargets } from './alarm-targets';
import { AlarmThresholds } from './monitoring-config';
import { SavedQueryHints } from './saved-query-hints';

/** CloudWatch's limits on an alarm's name and description. */
export const MAX_ALARM_NAME_LENGTH = 255;
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

export interface AlarmContext {
  readonly environment: string;
  readonly thresholds: AlarmThresholds;
  /** Notified on ALARM and on OK. */
  readonly topic: sns.ITopic;
  readonly queries: SavedQueryHints;
}

/** The alarm's name: `<project>-<env>-<row id>[-<target label>]`. */
export function alarmName(environment: string, rowId: string, label?: string): string {
  return [PROJECT, environment, rowId, label].filter((part) => part !== undefined).join('-');
}

/** A construct id from a label such as a log group name (`/aws/ecs/api/errors` → `aws-ecs-api-errors`). */
function idPart(label: string): string {
  return label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** What happened, the threshold, the saved queries to run next, and what to do. */
export function alarmDescription<S extends AlarmScope>(
  row: AlarmRowOf<S>,
  target: AlarmTargets[S],
  context: Pick<AlarmContext, 'thresholds' | 'queries'>,
): string {
  const next = row.queries.map((id) => context.queries.hint(id));
  const parts = [
    row.happened(target, context.thresholds),
    next.length > 0 ? `Next: run ${next.join(', then ')}.` : undefined,
    row.todo(target),
  ];
  return parts.filter((p) => p !== undefined).join(' ');
}

/** The names `createAlarms` gives the alarms of `scope`, for whoever refers to them from another stack. */
export function alarmNames<S extends AlarmScope>(
  rows: readonly AlarmRow[],
  scope: S,
  targets: readonly AlarmTargets[S][],
  environment: string,
): string[] {
  return rowsOf(rows, scope).flatMap((row) => targets.map((target) => alarmName(environment, row.id, row.label?.(target))));
}

function rowsOf<S extends AlarmScope>(rows: readonly AlarmRow[], scope: S): AlarmRowOf<S>[] {
  return rows.filter((row) => row.scope === scope) as readonly AlarmRow[] as unknown as AlarmRowOf<S>[];
}

/**
 * Builds the alarms of every row of `scope` for every target, under `parent`. Names and descriptions are checked
 * against CloudWatch's limits here, at synth, rather than at deploy.
 */
export function createAlarms<S extends AlarmScope>(
  parent: Construct,
  rows: readonly AlarmRow[],
  scope: S,
  targets: readonly AlarmTargets[S][],
  context: AlarmContext,
): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  for (const row of rowsOf(rows, scope)) {
    for (const target of targets) {
      const label = row.label?.(target);
      const name = alarmName(context.environment, row.id, label);
      const description = alarmDescription(row, target, context);
      if (name.length > MAX_ALARM_NAME_LENGTH) {
        throw new Error(`alarm name "${name}" is longer than CloudWatch's ${MAX_ALARM_NAME_LENGTH} characters`);
      }
      if (description.length > MAX_ALARM_DESCRIPTION_LENGTH) {
        throw new Error(`the description of alarm ${name} is ${description.length} characters; CloudWatch allows ${MAX_ALARM_DESCRIPTION_LENGTH}`);
      }
      const id = label === undefined ? row.id : `${row.id}-${idPart(label)}`;
      const common = {
        alarmName: name,
        alarmDescription: description,
        metric: row.metric(target, context.thresholds),
        evaluationPeriods: row.evaluationPeriods,
        datapointsToAlarm: row.datapointsToAlarm ?? row.evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      };
      const alarm =
        row.kind === 'anomaly'
          ? new cloudwatch.AnomalyDetectionAlarm(parent, id, {
              ...common,
              stdDevs: row.stdDevs(context.thresholds),
              comparisonOperator: row.comparison,
            })
          : new cloudwatch.Alarm(parent, id, {
              ...common,
              threshold: row.value(context.thresholds),
              comparisonOperator: row.comparison,
            });
      const action = new actions.SnsAction(context.topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms.push(alarm);
    }
  }
  return alarms;
}
