import { NestedStack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ResolvedEnvironment } from '../config/resolve';
import { MAX_RESOURCES_PER_STACK, MAX_TEMPLATE_BYTES } from '../stacks/log-groups-stack';
import { loadQueryLibrary } from './library';
import { MAX_SAVED_QUERIES_PER_REGION } from './limits';
import { QueryFile } from './query-file';
import { PlannedDefinition, planDefinitions } from './scope';

/** What a template adds around its resources (format version, description, metadata, the bootstrap rule). */
const TEMPLATE_OVERHEAD_BYTES = 4_000;

export interface SavedQueriesProps {
  /** The environment whose log groups the queries are scoped to; console names start `<project>/<env>/`. */
  readonly environment: Pick<ResolvedEnvironment, 'name' | 'project' | 'logGroups'>;
  /**
   * The queries to save.
   * @default - every file of the query library (`queries/`), linted
   */
  readonly queries?: readonly QueryFile[];
  /**
   * Saved queries the account and region already hold outside this construct (made by hand or by other tools);
   * they count against CloudWatch's 1,000 per region.
   * @default 0
   */
  readonly otherSavedQueriesInRegion?: number;
}

/**
 * The query library saved as `AWS::Logs::QueryDefinition`s, in console folders `<project>/<env>/<folder>/`, each
 * scoped to the environment's log groups of the types the query targets.
 *
 * Scoping past 50 groups: StartQuery (and therefore a saved definition, which the console runs as is) accepts at
 * most 50 log groups, and SOURCE-based selection works only through the API, not in the console. A query whose
 * types have more groups is therefore saved as several definitions, `… (part 1 of n)`, each with ≤ 50 groups in
 * name order, every one of which runs when clicked. `logs-cli query` runs the same parts and merges them.
 *
 * Each console folder is one nested stack: a 1,000-service catalogue saves hundreds of definitions of a few KB each,
 * more than fits beside anything else in one template, and a folder's definitions then never move between
 * templates when other folders grow. Limits are checked at synth: 1,000 saved queries per region, 500 resources
 * and 1 MB per template.
 */
export class SavedQueries extends Construct {
  /** Every definition created, in library order. */
  public readonly definitions: readonly PlannedDefinition[];
  /** The nested stack of each console folder, by folder. */
  public readonly folderStacks: ReadonlyMap<string, NestedStack>;

  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    const { environment } = props;
    const other = props.otherSavedQueriesInRegion ?? 0;
    if (!Number.isInteger(other) || other < 0) {
      throw new Error(`otherSavedQueriesInRegion must be a whole number ≥ 0, got ${other}`);
    }
    const queries = props.queries ?? loadQueryLibrary();
    this.definitions = planDefinitions(environment.project, environment.name, queries, environment.logGroups);
    if (this.definitions.length + other > MAX_SAVED_QUERIES_PER_REGION) {
      throw new Error(
        `${environment.name}: ${this.definitions.length} saved query definitions${other ? ` + ${other} already in the region` : ''} exceed CloudWatch's ${MAX_SAVED_QUERIES_PER_REGION} per region; trim the query library or the types it targets`,
      );
    }

    const byFolder = new Map<string, PlannedDefinition[]>();
    for (const definition of this.definitions) {
      const folder = definition.query.folder;
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), definition]);
    }
    const stacks = new Map<string, NestedStack>();
    for (const [folder, definitions] of byFolder) {
      assertFitsOneTemplate(environment.name, folder, definitions);
      const stack = new NestedStack(this, `Folder${pascalCase(folder || 'root')}`, {
        description: `${environment.project} ${environment.name}: saved Logs Insights queries of folder ${folder || '(root)'}`,
      });
      for (const definition of definitions) {
        new logs.CfnQueryDefinition(stack, `${pascalCase(definition.query.slug)}Part${String(definition.part).padStart(2, '0')}`, {
          name: definition.name,
          queryString: definition.query.text,
          logGroupNames: [...definition.logGroupNames],
        });
      }
      stacks.set(folder, stack);
    }
    this.folderStacks = stacks;
  }
}

/** Throws, naming the folder and the figures, when a folder's definitions would not fit one template. */
function assertFitsOneTemplate(environment: string, folder: string, definitions: readonly PlannedDefinition[]): void {
  const bytes = definitions.reduce((sum, d) => sum + estimatedResourceBytes(d), TEMPLATE_OVERHEAD_BYTES);
  if (definitions.length > MAX_RESOURCES_PER_STACK || bytes > MAX_TEMPLATE_BYTES) {
    throw new Error(
      `${environment}: folder "${folder}" needs ${definitions.length} query definitions (~${bytes} bytes); one template holds ${MAX_RESOURCES_PER_STACK} resources and ${MAX_TEMPLATE_BYTES} bytes. Move some queries to another folder.`,
    );
  }
}

/** Size of one definition in the synthesized JSON template (logical id and formatting included). */
export function estimatedResourceBytes(definition: PlannedDefinition): number {
  const resource = {
    Type: 'AWS::Logs::QueryDefinition',
    Properties: { LogGroupNames: definition.logGroupNames, Name: definition.name, QueryString: definition.query.text },
  };
  const indentation = 16 + 8 * definition.logGroupNames.length;
  return JSON.stringify(resource).length + definition.query.slug.length + indentation + 64;
}

const pascalCase = (kebab: string): string =>
  kebab
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
