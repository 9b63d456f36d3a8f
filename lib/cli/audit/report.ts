import { OutputFormat, Row, renderCsv, renderJson, renderMarkdownTable, renderTable } from '../output';
import { AuditReport, Finding } from './audit-model';

const findingRow = (f: Finding): Row => ({ status: f.status.toUpperCase(), subject: f.subject, check: f.check, expected: f.expected, actual: f.actual, note: f.note ?? '' });

function summaryLine(report: AuditReport): string {
  const s = report.summary;
  return `${s.groupsPlanned} groups planned · ${s.checks} checks: ${s.passed} passed, ${s.failed} failed${s.warnings ? `, ${s.warnings} warnings` : ''} · ${s.unknownGroups} group${s.unknownGroups === 1 ? '' : 's'} under /aws/ in no catalogue`;
}

function keyLine(report: AuditReport): string {
  const { key } = report;
  if (!key.arn) return `Key ${key.alias}: ${key.problem ?? 'not found'}`;
  return `Key ${key.alias} → ${key.arn}: ${key.state ?? 'unknown state'}, rotation ${key.rotationEnabled === undefined ? 'unknown' : key.rotationEnabled ? 'on' : 'off'}`;
}

const unknownRows = (report: AuditReport): Row[] =>
  report.unknownGroups.map((g) => ({ 'log group': g.name, retention: g.retention, 'KMS-encrypted': g.encrypted ? 'yes' : 'no', note: g.note }));

/**
 * The evidence report. JSON and CSV carry every finding; Markdown has the summary, the failures, the strays and
 * the full evidence table; the terminal table shows what needs doing (failures and strays) and counts the rest.
 */
export function renderAuditReport(report: AuditReport, format: OutputFormat): string {
  const failures = report.findings.filter((f) => f.status !== 'pass');
  const title = `Audit of ${report.environment} (account ${report.account ?? 'unknown'}, ${report.region}) at ${report.generatedAt}`;
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'csv':
      return renderCsv(report.findings.map(findingRow));
    case 'markdown':
      return [
        `# ${title}`,
        '',
        `- ${keyLine(report)}`,
        `- ${summaryLine(report)}`,
        `- Result: **${report.summary.failed === 0 ? 'compliant' : 'violations found'}**`,
        '',
        '## Violations',
        '',
        failures.length ? renderMarkdownTable(failures.map(findingRow)).trimEnd() : 'None.',
        '',
        '## Log groups under /aws/ outside the catalogue',
        '',
        report.unknownGroups.length ? renderMarkdownTable(unknownRows(report)).trimEnd() : 'None.',
        '',
        '## Evidence (every check)',
        '',
        renderMarkdownTable(report.findings.map(findingRow)).trimEnd(),
        '',
      ].join('\n');
    default:
      return [
        title,
        keyLine(report),
        '',
        failures.length ? renderTable(failures.map(findingRow)) : 'Every check passed.\n',
        ...(report.unknownGroups.length ? ['Log groups under /aws/ outside the catalogue:', renderTable(unknownRows(report))] : []),
        summaryLine(report),
        '',
      ].join('\n');
  }
}
