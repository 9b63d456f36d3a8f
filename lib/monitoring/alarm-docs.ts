import { ALARM_TABLE, AlarmRow } from './alarm-table';
import { AlarmThresholds, DEFAULT_ALARM_THRESHOLDS } from './monitoring-config';

/** Where each scope's alarms are, and how many there are. */
const SCOPE_TEXT: Readonly<Record<AlarmRow['scope'], string>> = {
  llm: 'one per environment with llm groups',
  userBurst: 'one per Contributor Insights rule',
  errors: 'one per environment with errors groups',
  errorsGroup: "one per errors group (in the group's wiring stack)",
  forwarder: 'one per deployed forwarder',
  archive: 'one per environment with an archive',
};

function thresholdText(row: AlarmRow, t: AlarmThresholds): string {
  if (row.kind === 'anomaly') return `above the band of ${row.stdDevs(t)} standard deviations (\`${row.threshold}\`)`;
  return row.threshold === 'none' ? `> ${row.value(t)}` : `> ${t[row.threshold]} (\`${row.threshold}\`)`;
}

/**
 * The README's alarm table (what, threshold, what to do), rendered from the alarm table itself so the two never
 * disagree.
 */
export function alarmsMarkdown(thresholds: AlarmThresholds = DEFAULT_ALARM_THRESHOLDS, rows: readonly AlarmRow[] = ALARM_TABLE): string {
  const lines = ['| Alarm | What | Threshold (config key) | Next query | What to do |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const queries = row.queries.length > 0 ? row.queries.map((q) => `\`${q}\``).join(', ') : '-';
    const todo = row.todo({ destination: '<forwarder>', logGroupName: '/aws/lambda/<forwarder>', errorLogGroupName: '/aws/central-logging/archive/errors', plan: { ruleName: '<rule>' } } as never);
    lines.push(`| \`${row.id}\` (${SCOPE_TEXT[row.scope]}) | ${row.what} | ${thresholdText(row, thresholds)} | ${queries} | ${todo} |`);
  }
  return lines.join('\n');
}
