import { PlannedLogGroup } from './resolve';

/**
 * The taxonomy tags of a created log group, from its plan. The stack applies them and the audit expects them, so
 * both read this one rule.
 */
export function logGroupTags(plan: PlannedLogGroup): Record<string, string> {
  return {
    LogType: plan.type,
    RetentionDays: String(plan.retentionDays),
    ExportEnabled: String(plan.exportEnabled),
    SentrySync: plan.sentry,
    LangfuseSync: plan.langfuse,
  };
}
