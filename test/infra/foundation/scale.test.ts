import { Stack } from 'aws-cdk-lib';
import {
  MAX_OUTPUTS_PER_STACK,
  MAX_RESOURCES_PER_STACK,
  MAX_TEMPLATE_BYTES,
} from '../../../lib/stacks/log-groups-stack';
import { TEST_SECRETS, buildEnvironment, syntheticCatalogue } from '../../support/app';

/** Where each log group lives: group name → stack name and logical id. */
function placements(stacks: readonly Stack[], app: { synth(): any }) {
  const assembly = app.synth();
  const result = new Map<string, string>();
  for (const stack of stacks) {
    const template = assembly.getStackByName(stack.stackName).template;
    for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
      if (resource.Type === 'AWS::Logs::LogGroup') {
        result.set(resource.Properties.LogGroupName, `${stack.stackName}/${logicalId}`);
      }
    }
  }
  return result;
}

describe('a catalogue of 1,000 services × 3 types', () => {
  const built = buildEnvironment('prod', {
    config: { services: syntheticCatalogue(1000), langfuse: { publicKey: 'pk-lf-scale' } },
    secrets: TEST_SECRETS,
    compliance: true,
  });
  const assembly = built.app.synth();

  test('synths, with every group in some stack', () => {
    const groups = assembly.stacks.flatMap((s) =>
      Object.values<any>(s.template.Resources ?? {}).filter((r) => r.Type === 'AWS::Logs::LogGroup'),
    );
    const catalogueGroups = groups.filter((g) => (g.Properties.LogGroupName as string).startsWith('/aws/ecs/'));
    expect(catalogueGroups).toHaveLength(3000);
  });

  test('every stack stays under CloudFormation limits: 500 resources, 200 outputs, 1 MB template', () => {
    for (const stack of assembly.stacks) {
      const resources = Object.keys(stack.template.Resources ?? {}).length;
      const outputs = Object.keys(stack.template.Outputs ?? {}).length;
      const bytes = Buffer.byteLength(JSON.stringify(stack.template));
      expect({ stack: stack.stackName, ok: resources < MAX_RESOURCES_PER_STACK }).toEqual({ stack: stack.stackName, ok: true });
      expect(outputs).toBeLessThanOrEqual(MAX_OUTPUTS_PER_STACK);
      expect(bytes).toBeLessThan(MAX_TEMPLATE_BYTES);
    }
  });
});

describe('stability: adding and removing services never moves a group', () => {
  test('every surviving group keeps its stack and logical id', () => {
    const before = buildEnvironment('staging', { config: { services: syntheticCatalogue(300) } });
    const first = placements(before.environment.logGroupShards, before.app);

    // Remove every third service, add 150 new ones that sort before and after the old names.
    const survivors = syntheticCatalogue(300).filter((_, i) => i % 3 !== 0);
    const services = [...syntheticCatalogue(75, 5000), ...survivors, ...syntheticCatalogue(75, 9000)];
    services.unshift({ service: 'ecs', name: 'aaa-first', types: ['application', 'errors', 'llm'] });
    const after = buildEnvironment('staging', { config: { services }, ledger: before.environment.ledger });
    const second = placements(after.environment.logGroupShards, after.app);

    let kept = 0;
    for (const entry of survivors) {
      for (const type of entry.types) {
        const name = `/aws/ecs/${entry.name}/${type}`;
        expect({ name, at: second.get(name) }).toEqual({ name, at: first.get(name) });
        kept++;
      }
    }
    expect(kept).toBe(600);
    // Newcomers first fill the places the removed services left.
    expect(second.get('/aws/ecs/aaa-first/application')).toMatch(/-LogGroups-01\//);
  });

  test('without the ledger, the same catalogue change would move groups (what the ledger prevents)', () => {
    const before = buildEnvironment('staging', { config: { services: syntheticCatalogue(100) } });
    const first = placements(before.environment.logGroupShards, before.app);
    const services = syntheticCatalogue(100).slice(30);
    const after = buildEnvironment('staging', { config: { services } });
    const second = placements(after.environment.logGroupShards, after.app);
    const moved = [...second.keys()].filter((name) => second.get(name) !== first.get(name));
    expect(moved.length).toBeGreaterThan(0);
  });
});
