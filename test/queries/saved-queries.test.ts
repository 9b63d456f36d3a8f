import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ServiceEntry } from '../../lib/config/catalogue';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { ResolvedEnvironment, resolveEnvironment } from '../../lib/config/resolve';
import { loadQueryLibrary } from '../../lib/queries/library';
import { MAX_LOG_GROUPS_PER_QUERY, MAX_QUERY_NAME_LENGTH, MAX_SAVED_QUERIES_PER_REGION } from '../../lib/queries/limits';
import { lintQuery } from '../../lib/queries/lint';
import { SavedQueries } from '../../lib/queries/saved-queries';
import { groupsForQuery } from '../../lib/queries/scope';
import { MAX_RESOURCES_PER_STACK, MAX_TEMPLATE_BYTES } from '../../lib/stacks/log-groups-stack';

const library = loadQueryLibrary();

function synthQueries(environment: ResolvedEnvironment, props: Partial<ConstructorParameters<typeof SavedQueries>[2]> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Queries', { env: { region: environment.region } });
  const saved = new SavedQueries(stack, 'SavedQueries', { environment, ...props });
  const folders = [...saved.folderStacks.entries()].map(([folder, nested]) => ({ folder, template: Template.fromStack(nested) }));
  const definitions = folders.flatMap(({ folder, template }) =>
    Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((r) => ({ folder, ...(r.Properties as { Name: string; QueryString: string; LogGroupNames: string[] }) })),
  );
  return { saved, stack, folders, definitions };
}

function catalogueOf(services: number): ResolvedEnvironment {
  const entries: ServiceEntry[] = Array.from({ length: services }, (_, i) => ({
    service: 'ecs',
    name: `svc-${String(i).padStart(4, '0')}`,
    types: ['application', 'errors', 'llm'],
  }));
  return resolveEnvironment('prod', { environments: { prod: { ...ENVIRONMENTS.prod, services: entries } }, secrets: {} });
}

describe('saved queries on the default catalogue', () => {
  const prod = resolveEnvironment('prod', { secrets: {} });
  const { definitions, folders, stack } = synthQueries(prod);

  test('every query with groups in the environment is saved once, in its console folder', () => {
    const expected = library.filter((q) => groupsForQuery(q, prod.logGroups).length > 0);
    expect(expected.length).toBe(library.length); // the default catalogue has a group of every type a query targets
    expect(definitions.map((d) => d.Name).sort()).toEqual(expected.map((q) => `central-logging/prod/${q.folder}/${q.name}`).sort());
  });

  test('names follow <project>/<env>/<folder>/<name> and respect CloudWatch rules', () => {
    for (const { Name } of definitions) {
      expect(Name).toMatch(/^central-logging\/prod\/[a-z-]+\/[^/]+$/);
      expect(Name.length).toBeLessThanOrEqual(MAX_QUERY_NAME_LENGTH);
      expect(Name).not.toMatch(/[:*]/);
    }
  });

  test('each definition is scoped to the environment groups of the types it targets', () => {
    const byName = new Map(definitions.map((d) => [d.Name, d]));
    const llmCost = byName.get('central-logging/prod/llm/LLM cost and tokens by hour')!;
    expect(llmCost.LogGroupNames).toEqual(['/aws/ecs/api/llm', '/aws/ecs/atlantis/llm']);
    const coldStarts = byName.get('central-logging/prod/lambda/Lambda cold starts')!;
    expect(coldStarts.LogGroupNames).toEqual(['/aws/lambda/secrets-manager-rotation']);
    const recentErrors = byName.get('central-logging/prod/errors/Recent errors')!;
    expect(recentErrors.LogGroupNames).toEqual([
      '/aws/ecs/api/application',
      '/aws/ecs/api/errors',
      '/aws/ecs/atlantis/application',
      '/aws/ecs/atlantis/errors',
      '/aws/lambda/secrets-manager-rotation/errors',
    ]);
    const slow = byName.get('central-logging/prod/database/Slow database queries')!;
    expect(slow.LogGroupNames).toEqual(['/aws/rds/instance/atlantis-db/slowquery']);
  });

  test('the saved text is the file itself, so the console shows its description and it pastes back unchanged', () => {
    for (const definition of definitions) {
      const query = library.find((q) => `central-logging/prod/${q.folder}/${q.name}` === definition.Name)!;
      expect(definition.QueryString).toBe(query.text);
    }
  });

  test('one nested stack per console folder, and nothing else in the parent', () => {
    expect(folders.map((f) => f.folder).sort()).toEqual([...new Set(library.map((q) => q.folder))].sort());
    const parent = Template.fromStack(stack);
    expect(Object.keys(parent.findResources('AWS::Logs::QueryDefinition'))).toHaveLength(0);
    parent.resourceCountIs('AWS::CloudFormation::Stack', folders.length);
  });

  test('other environments get their own folder prefix', () => {
    const dev = synthQueries(resolveEnvironment('dev', { secrets: {} }));
    expect(dev.definitions.every((d) => d.Name.startsWith('central-logging/dev/'))).toBe(true);
  });

  test('a query whose types have no group in the environment is not saved', () => {
    const noRds = resolveEnvironment('prod', {
      environments: { prod: { ...ENVIRONMENTS.prod, services: ENVIRONMENTS.prod.services.filter((s) => s.service !== 'rds') } },
      secrets: {},
    });
    const names = synthQueries(noRds).definitions.map((d) => d.Name);
    expect(names).not.toContain('central-logging/prod/database/Slow database queries');
    expect(names.length).toBe(library.length - 1);
  });
});

describe('saved queries on a 1,000-service catalogue', () => {
  const big = catalogueOf(1000);
  const { definitions, folders } = synthQueries(big);

  test('no definition holds more than 50 groups', () => {
    expect(Math.max(...definitions.map((d) => d.LogGroupNames.length))).toBeLessThanOrEqual(MAX_LOG_GROUPS_PER_QUERY);
  });

  test('the parts of each query cover every targeted group exactly once, and are labelled', () => {
    for (const query of library) {
      const expected = groupsForQuery(query, big.logGroups);
      const prefix = `central-logging/prod/${query.folder}/${query.name}`;
      const parts = definitions.filter((d) => d.Name === prefix || d.Name.startsWith(`${prefix} (part `));
      const partCount = Math.ceil(expected.length / MAX_LOG_GROUPS_PER_QUERY);
      expect(parts).toHaveLength(partCount);
      expect(parts.flatMap((d) => d.LogGroupNames).sort()).toEqual(expected);
      if (partCount > 1) {
        expect(parts.map((d) => d.Name).sort()).toContain(`${prefix} (part 1 of ${partCount})`);
        expect(parts.map((d) => d.Name)).toContain(`${prefix} (part ${partCount} of ${partCount})`);
      }
    }
  });

  test('the counts: 1,000 groups of a type make 20 parts; the total stays under 1,000 saved queries per region', () => {
    const llmCost = definitions.filter((d) => d.Name.startsWith('central-logging/prod/llm/LLM cost and tokens by hour'));
    expect(llmCost).toHaveLength(20);
    const recentErrors = definitions.filter((d) => d.Name.startsWith('central-logging/prod/errors/Recent errors'));
    expect(recentErrors).toHaveLength(40); // application + errors: 2,000 groups
    expect(definitions.length).toBeLessThanOrEqual(MAX_SAVED_QUERIES_PER_REGION);
  });

  test('every folder template stays under 500 resources and 1 MB', () => {
    for (const { folder, template } of folders) {
      const json = JSON.stringify(template.toJSON(), undefined, 1);
      expect({ folder, resources: Object.keys(template.toJSON().Resources).length <= MAX_RESOURCES_PER_STACK }).toEqual({ folder, resources: true });
      expect({ folder, bytes: json.length <= MAX_TEMPLATE_BYTES }).toEqual({ folder, bytes: true });
    }
  });

  test('names of split definitions stay within 255 characters', () => {
    expect(Math.max(...definitions.map((d) => d.Name.length))).toBeLessThanOrEqual(MAX_QUERY_NAME_LENGTH);
  });
});

describe('synth-time validation names the bad value', () => {
  const prod = resolveEnvironment('prod', { secrets: {} });

  test('more than 1,000 saved queries in the region', () => {
    expect(() => synthQueries(prod, { otherSavedQueriesInRegion: 990 })).toThrow(
      `prod: ${library.length} saved query definitions + 990 already in the region exceed CloudWatch's 1000 per region`,
    );
  });

  test('a negative count of other queries', () => {
    expect(() => synthQueries(prod, { otherSavedQueriesInRegion: -1 })).toThrow('otherSavedQueriesInRegion must be a whole number ≥ 0, got -1');
  });

  test('a folder that would not fit one template', () => {
    const huge = lintQuery('llm/huge.query', `# name: Huge\n# description: d\n# log-types: llm\nfields @message\n${'# padding line to make the query long\n'.repeat(200)}| limit 5`, { knownLogTypes: ['llm'] }).query!;
    const copies = Array.from({ length: 30 }, (_, i) => ({ ...huge, slug: `huge-${i}`, id: `llm/huge-${i}`, name: `Huge ${i}` }));
    expect(() => synthQueries(catalogueOf(1000), { queries: copies })).toThrow(/prod: folder "llm" needs 600 query definitions .* one template holds 500 resources and 1000000 bytes/);
  });

  test('a full name longer than 255 characters', () => {
    const long = lintQuery('llm/long.query', `# name: ${'L'.repeat(240)}\n# description: d\n# log-types: llm\nfields @message`, { knownLogTypes: ['llm'] }).query!;
    expect(() => synthQueries(prod, { queries: [long] })).toThrow(/saved query name "central-logging\/prod\/llm\/L+" is refused by CloudWatch: name is 265 characters; CloudWatch accepts at most 255/);
  });
});
