import { ENVIRONMENTS } from '../../lib/config/environments';
import { resolveEnvironment } from '../../lib/config/resolve';
import { DAYS_PER_MONTH, estimateMonthlyCost } from '../../lib/cli/cost/estimate';
import { CLOUDWATCH_PRICES } from '../../lib/cli/cost/prices';
import { parseVolume } from '../../lib/cli/commands/cost';
import { cli, testDeps } from './cli-harness';

const seoul = CLOUDWATCH_PRICES['ap-northeast-2'];
const prod = resolveEnvironment('prod', { secrets: {} });

describe('cost estimate', () => {
  test("ap-northeast-2 prices are the design doc's", () => {
    expect(seoul).toEqual({ ingestionPerGb: 0.76, storagePerGbMonth: 0.0314, insightsPerGbScanned: 0.0076, kmsKeyPerMonth: 1 });
  });

  test('ingestion, steady-state storage, scans and the key, by hand', () => {
    // One errors group (90 days) and one application group (14 days), 2 GB/day each.
    const groups = prod.logGroups.filter((g) => g.name === '/aws/ecs/api/errors' || g.name === '/aws/ecs/api/application');
    const estimate = estimateMonthlyCost({ groups, prices: seoul, gbPerDay: () => 2, scannedGbPerMonth: 100, uniformRetentionDays: 365, kmsKeys: 1 });
    expect(estimate.ingestion).toBeCloseTo(4 * DAYS_PER_MONTH * 0.76, 6); // 92.47
    expect(estimate.storage).toBeCloseTo((2 * 90 + 2 * 14) * 0.0314, 6); // 6.53
    expect(estimate.storageUniform).toBeCloseTo(4 * 365 * 0.0314, 6); // 45.84
    expect(estimate.insights).toBeCloseTo(0.76, 6);
    expect(estimate.kms).toBe(1);
    expect(estimate.total).toBeCloseTo(estimate.ingestion + estimate.storage + 0.76 + 1, 6);
    expect(estimate.saving).toBeCloseTo(estimate.storageUniform - estimate.storage, 6);
    expect(estimate.byType.map((t) => [t.type, t.groups, t.retentionDays])).toEqual([['application', 1, 14], ['errors', 1, 90]]);
  });

  test('volumes: a total spread over every group, or per type spread over its groups', () => {
    const total = parseVolume('14', prod.logGroups);
    expect(prod.logGroups.map(total.plan)).toEqual(prod.logGroups.map(() => 1));
    const perType = parseVolume('llm=2,errors=0.3', prod.logGroups);
    expect(perType.plan(prod.logGroups.find((g) => g.name === '/aws/ecs/api/llm')!)).toBe(1); // 2 GB over 2 llm groups
    expect(perType.plan(prod.logGroups.find((g) => g.name === '/aws/ecs/api/errors')!)).toBeCloseTo(0.1, 9);
    expect(perType.plan(prod.logGroups.find((g) => g.type === 'audit')!)).toBe(0);
    expect(perType.unlisted).toContain('audit');
    expect(() => parseVolume('lmm=2', prod.logGroups)).toThrow('--gb-per-day: unknown log type "lmm"');
    expect(() => parseVolume('llm=two', prod.logGroups)).toThrow('--gb-per-day must be a number or type=gb pairs');
  });
});

describe('logs-cli cost', () => {
  test('prints per-type costs, totals, and what tiering saves against the longest tier', async () => {
    const { code, out } = await cli(['cost', '--env', 'prod', '--gb-per-day', '14']);
    expect(code).toBe(0);
    expect(out).toMatch(/^prod in ap-northeast-2: 14 log groups, 14\.0 GB\/day\n/);
    expect(out).toMatch(/audit\s+1\s+1\.000\s+365\s+23\.12\s+11\.46\s+11\.46/);
    expect(out).toMatch(/Tiering saves \$\d+\.\d\d a month \(\d+\.\d%\) against keeping every group 365 days\./);
  });

  test('json carries prices, inputs and the estimate', async () => {
    const { out } = await cli(['cost', '--env', 'prod', '--gb-per-day', 'application=10,llm=1', '--uniform-retention', '90', '--scanned-gb-per-month', '50', '-o', 'json']);
    const json = JSON.parse(out);
    expect(json).toMatchObject({ environment: 'prod', region: 'ap-northeast-2', currency: 'USD', uniformRetentionDays: 90, scannedGbPerMonth: 50 });
    expect(json.insights).toBeCloseTo(50 * 0.0076, 9);
    expect(json.ingestion).toBeCloseTo(11 * DAYS_PER_MONTH * 0.76, 6);
  });

  test('a region without prices stops with the priced regions listed', async () => {
    const deps = testDeps({ environments: { prod: { ...ENVIRONMENTS.prod, region: 'eu-west-3' } } });
    expect((await cli(['cost', '--env', 'prod'], deps)).err).toBe(
      'logs-cli: no CloudWatch prices for eu-west-3 in lib/cli/cost/prices.ts (priced: ap-northeast-1, ap-northeast-2, us-east-1); add the region with its source\n',
    );
  });
});
