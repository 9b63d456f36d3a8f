/**
 * The log-group taxonomy: which log types exist, which services may use them, and how long each type is kept.
 *
 * Names follow `/aws/<service>/<resource-name>/<log-type>`; the Lambda runtime's own group is the one exception,
 * `/aws/lambda/<function>` (type `lambda`), because that is where the runtime writes.
 */

export const LOG_TYPES = [
  'application',
  'errors',
  'llm',
  'access-logs',
  'error-logs',
  'error',
  'general',
  'slowquery',
  'lambda',
  'audit',
] as const;

export type LogType = (typeof LOG_TYPES)[number];

export const SERVICES = ['ecs', 'lambda', 'alb', 'rds'] as const;
export type Service = (typeof SERVICES)[number];

/** The log types each service may declare. `errors` and `audit` are open to every service. */
export const TYPES_BY_SERVICE: Readonly<Record<Service, readonly LogType[]>> = {
  ecs: ['application', 'errors', 'llm', 'audit'],
  lambda: ['lambda', 'errors', 'llm', 'audit'],
  alb: ['access-logs', 'error-logs', 'audit'],
  rds: ['error', 'general', 'slowquery', 'audit'],
};

/** Retention tiers in days, by type: what compliance needs, not more (storage is the larger part of the bill). */
export const RETENTION_TIERS: Readonly<Record<LogType, RetentionDays>> = {
  errors: 90,
  llm: 60,
  application: 14,
  lambda: 14,
  error: 30,
  general: 30,
  slowquery: 30,
  'access-logs': 7,
  'error-logs': 7,
  audit: 365,
};

/**
 * The retention values CloudWatch Logs accepts (PutRetentionPolicy). "Never expire" is deliberately absent: every
 * group in this project expires.
 */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export type RetentionDays = (typeof CLOUDWATCH_RETENTION_DAYS)[number];

export function isLogType(value: string): value is LogType {
  return (LOG_TYPES as readonly string[]).includes(value);
}

export function isService(value: string): value is Service {
  return (SERVICES as readonly string[]).includes(value);
}

export function isCloudWatchRetention(value: number): value is RetentionDays {
  return (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(value);
}
