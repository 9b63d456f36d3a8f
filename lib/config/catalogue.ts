import { LogType, Service } from './log-types';

/** One service of the catalogue: which of its log groups exist in an environment. */
export interface ServiceEntry {
  /** `ecs`, `lambda`, `alb` or `rds`. */
  readonly service: Service;
  /**
   * The resource's name: the ECS service, Lambda function or ALB name; for RDS `instance/<db>` or
   * `cluster/<cluster>` (where RDS publishes its logs).
   */
  readonly name: string;
  /** The log types this resource writes; each becomes one group. */
  readonly types: readonly LogType[];
  /**
   * Types whose group already exists in the account (e.g. a Lambda's runtime group created before this stack).
   * Those groups are referenced by name, not created; adopt them with `cdk import` (see README).
   * @default - every group is created by this project
   */
  readonly existing?: readonly LogType[];
  /**
   * Also forward error-level lines of the `application` group to Sentry (a filter pattern keeps the rest out).
   * @default false
   */
  readonly forwardApplicationErrors?: boolean;
  /**
   * Subscription filters that something outside this project already attaches to this resource's groups (e.g. a
   * SIEM forwarder). They count against CloudWatch's cap of 2 per group.
   * @default 0
   */
  readonly externalSubscriptionFilters?: number;
}

/**
 * The default catalogue: two ECS services, the secrets-rotation Lambda (whose runtime group already exists), a
 * public ALB and the main RDS instance, so that a default synth shows every retention tier.
 */
export const DEFAULT_CATALOGUE: readonly ServiceEntry[] = [
  { service: 'ecs', name: 'atlantis', types: ['application', 'errors', 'llm'] },
  { service: 'ecs', name: 'api', types: ['application', 'errors', 'llm', 'audit'], forwardApplicationErrors: true },
  { service: 'lambda', name: 'secrets-manager-rotation', types: ['lambda', 'errors'], existing: ['lambda'] },
  { service: 'alb', name: 'public', types: ['access-logs', 'error-logs'] },
  { service: 'rds', name: 'instance/atlantis-db', types: ['error', 'general', 'slowquery'] },
];
