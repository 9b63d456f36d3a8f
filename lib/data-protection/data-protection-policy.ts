import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { LogType } from '../config/log-types';
import { PlannedDataProtection } from './data-protection-config';

/**
 * The data-protection policy of one group: CloudWatch audits the identifiers (findings to the audit group) and
 * masks them for every reader without `logs:Unmask`: the console, Logs Insights, metric filters and subscription
 * filters, so neither Langfuse nor the archive receives the raw values.
 */
export function dataProtectionPolicy(scope: Construct, type: LogType, plan: PlannedDataProtection): logs.DataProtectionPolicy {
  return new logs.DataProtectionPolicy({
    name: `${PROJECT}-${type}-data-protection`,
    description: `Audits and masks ${plan.identifiers.length} kinds of sensitive data in ${type} logs; findings go to ${plan.findingsLogGroup}`,
    identifiers: plan.identifiers.map((name) => new logs.DataIdentifier(name)),
    logGroupAuditDestination: logs.LogGroup.fromLogGroupName(scope, 'DataProtectionFindings', plan.findingsLogGroup),
  });
}
