import { LOG_TYPES, isLogType } from '../../config/log-types';
import { PlannedLogGroup } from '../../config/resolve';
import { CommandSpec, ParsedCommand, optionalNumber, optionalString, requireString } from '../args';
import { usageError } from '../cli-error';
import { DAYS_PER_MONTH, VolumePlan, estimateMonthlyCost } from '../cost/estimate';
import { CLOUDWATCH_PRICES, pricedRegions } from '../cost/prices';
import { loadEnvironment } from '../environment';
import { CliDeps, CliIo } from '../io';
import { Row, renderJson, renderRows } from '../output';

/** Ingestion assumed when `--gb-per-day` is not given: 1 GB a day across the environment. */
export const DEFAULT_GB_PER_DAY = 1;

export const COST_COMMAND: CommandSpec = {
  name: 'cost',
  summary: "estimate an environment's monthly CloudWatch Logs bill and what the retention tiers save",
  usage: 'cost --env <env> [--gb-per-day <gb> | --gb-per-day <type>=<gb>,...] [--scanned-gb-per-month <gb>] [--uniform-retention <days>]',
  details: [
    "From the environment's catalogue and retention tiers, with CloudWatch's prices for its region (lib/cli/cost/prices.ts, with sources): ingestion, storage at steady state (the retention window full; before compression, so an upper bound), Logs Insights scans and the KMS key. The comparison keeps the same groups for one uniform retention (default: the longest tier).",
    '--gb-per-day takes the whole environment\'s daily volume, spread evenly over its groups, or volumes per log type (llm=2,application=10), spread over that type\'s groups; unlisted types count as 0.',
  ],
  options: {
    env: { type: 'string', valueName: '<env>', description: 'Environment (dev, staging, prod, ...).' },
    'gb-per-day': { type: 'string', valueName: '<gb|type=gb,...>', description: `Daily ingestion (default ${DEFAULT_GB_PER_DAY} GB for the environment).` },
    'scanned-gb-per-month': { type: 'string', valueName: '<gb>', description: 'GB scanned by Logs Insights a month (default: the month\'s ingestion, each byte read once).' },
    'uniform-retention': { type: 'string', valueName: '<days>', description: 'Retention to compare the tiers with (default: the longest tier in the environment).' },
  },
  formats: ['table', 'json', 'csv'],
  aws: false,
  examples: [
    'logs-cli cost --env prod',
    'logs-cli cost --env prod --gb-per-day application=20,errors=1,llm=3,audit=0.2 --uniform-retention 365',
    'logs-cli cost --env dev --gb-per-day 0.5 --output json',
  ],
};

/** `5` (spread over every group) or `llm=2,application=10` (spread over each type's groups). */
export function parseVolume(text: string | undefined, groups: readonly PlannedLogGroup[]): { plan: VolumePlan; unlisted: string[] } {
  const countOf = (type: string) => groups.filter((g) => g.type === type).length;
  if (text === undefined || /^\d+(\.\d+)?$/.test(text.trim())) {
    const total = text === undefined ? DEFAULT_GB_PER_DAY : Number(text);
    return { plan: () => (groups.length ? total / groups.length : 0), unlisted: [] };
  }
  const perType = new Map<string, number>();
  for (const item of text.split(',')) {
    const match = /^\s*([a-z-]+)\s*=\s*(\d+(\.\d+)?)\s*$/.exec(item);
    if (!match) throw usageError(`--gb-per-day must be a number or type=gb pairs (llm=2,application=10), got "${item.trim()}"`);
    if (!isLogType(match[1])) throw usageError(`--gb-per-day: unknown log type "${match[1]}" (known: ${LOG_TYPES.join(', ')})`);
    if (countOf(match[1]) === 0) throw usageError(`--gb-per-day: the environment has no ${match[1]} group`);
    perType.set(match[1], Number(match[2]));
  }
  const unlisted = [...new Set(groups.map((g) => g.type))].filter((t) => !perType.has(t));
  return { plan: (g) => (perType.get(g.type) ?? 0) / countOf(g.type), unlisted };
}

const usd = (value: number): string => value.toFixed(2);
const gb = (value: number): string => (value >= 10 ? value.toFixed(1) : value.toFixed(3));

export function runCostCommand(parsed: ParsedCommand, io: CliIo, deps: CliDeps): number {
  const environment = loadEnvironment(requireString(parsed, 'env', COST_COMMAND), deps);
  const prices = CLOUDWATCH_PRICES[environment.region];
  if (!prices) {
    throw usageError(`no CloudWatch prices for ${environment.region} in lib/cli/cost/prices.ts (priced: ${pricedRegions().join(', ')}); add the region with its source`);
  }
  const { plan, unlisted } = parseVolume(optionalString(parsed, 'gb-per-day'), environment.logGroups);
  const monthlyIngestionGb = environment.logGroups.reduce((sum, g) => sum + plan(g), 0) * DAYS_PER_MONTH;
  const longest = Math.max(...environment.logGroups.map((g) => g.retentionDays));
  const uniformRetentionDays = optionalNumber(parsed, 'uniform-retention', { min: 1, max: 3653, integer: true }) ?? longest;
  const scannedGbPerMonth = optionalNumber(parsed, 'scanned-gb-per-month') ?? monthlyIngestionGb;
  const estimate = estimateMonthlyCost({ groups: environment.logGroups, prices, gbPerDay: plan, scannedGbPerMonth, uniformRetentionDays, kmsKeys: 1 });
  if (unlisted.length) io.stderr.write(`note: no --gb-per-day for ${unlisted.join(', ')}; counted as 0 GB/day\n`);

  if (parsed.output === 'json') {
    io.stdout.write(renderJson({ environment: environment.name, region: environment.region, currency: 'USD', prices, scannedGbPerMonth, uniformRetentionDays, ...estimate }));
    return 0;
  }
  const uniformColumn = `storage at ${uniformRetentionDays} d`;
  const typeRows: Row[] = estimate.byType.map((t) => ({
    'log type': t.type,
    groups: t.groups,
    'GB/day': gb(t.gbPerDay),
    'retention (d)': t.retentionDays,
    'ingestion $/mo': usd(t.ingestion),
    'storage $/mo': usd(t.storage),
    [`${uniformColumn} $/mo`]: usd(t.storageUniform),
  }));
  const summary: Row[] = [
    { item: 'ingestion', tiered: usd(estimate.ingestion), [`uniform ${uniformRetentionDays} d`]: usd(estimate.ingestion) },
    { item: 'storage', tiered: usd(estimate.storage), [`uniform ${uniformRetentionDays} d`]: usd(estimate.storageUniform) },
    { item: `Logs Insights (${gb(scannedGbPerMonth)} GB scanned)`, tiered: usd(estimate.insights), [`uniform ${uniformRetentionDays} d`]: usd(estimate.insights) },
    { item: 'KMS key', tiered: usd(estimate.kms), [`uniform ${uniformRetentionDays} d`]: usd(estimate.kms) },
    { item: 'total per month (USD)', tiered: usd(estimate.total), [`uniform ${uniformRetentionDays} d`]: usd(estimate.totalUniform) },
  ];
  if (parsed.output === 'csv') {
    io.stdout.write(renderRows([...typeRows, { 'log type': 'total', 'ingestion $/mo': usd(estimate.ingestion), 'storage $/mo': usd(estimate.storage), [`${uniformColumn} $/mo`]: usd(estimate.storageUniform) }], 'csv'));
    return 0;
  }
  const share = estimate.totalUniform > 0 ? (100 * estimate.saving) / estimate.totalUniform : 0;
  io.stdout.write(
    `${environment.name} in ${environment.region}: ${environment.logGroups.length} log groups, ${gb(monthlyIngestionGb / DAYS_PER_MONTH)} GB/day\n\n` +
      renderRows(typeRows, 'table') +
      '\n' +
      renderRows(summary, 'table') +
      `\nTiering saves $${usd(estimate.saving)} a month (${share.toFixed(1)}%) against keeping every group ${uniformRetentionDays} days.\n` +
      'Storage is the steady state before compression (an upper bound); prices: lib/cli/cost/prices.ts.\n',
  );
  return 0;
}
