import { App, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { PROJECT_STACK_PREFIX } from './config/environment-config';
import { PlannedLogGroup, ResolvedEnvironment } from './config/resolve';
import { deployArchive } from './archive/deploy-archive';
import { deployForwarders } from './forwarders/deploy-forwarders';
import { assignShards } from './sharding/stack-ledger';
import { ForwardingStack } from './stacks/forwarding-stack';
import { LogGroupsStack, MAX_GROUPS_PER_SHARD } from './stacks/log-groups-stack';
import { LogWiringStack } from './stacks/log-wiring-stack';
import { LoggingCoreStack } from './stacks/logging-core-stack';
import { deployMonitoring } from './monitoring/deploy-monitoring';
import { SavedQueries } from './queries/saved-queries';
import { ArchiveStack } from './stacks/archive-stack';
import { MonitoringStack } from './stacks/monitoring-stack';

/** Builds a stack of the environment from the id and the common props it is given. */
export type StackFactory<T extends Stack> = (scope: App, id: string, props: StackProps) => T;

export interface LoggingEnvironmentProps {
  readonly environment: ResolvedEnvironment;
  /** This environment's entries of the stack ledger (group name → shard). @default - none: a first synth */
  readonly ledger?: Readonly<Record<string, number>>;
  /** @default MAX_GROUPS_PER_SHARD */
  readonly groupsPerShard?: number;
}

/** Everything one environment deploys, as separate stateful and stateless stacks. */
export class LoggingEnvironment {
  public readonly core: LoggingCoreStack;
  public readonly logGroupShards: readonly LogGroupsStack[];
  public readonly environment: ResolvedEnvironment;
  private readonly app: App;
  private readonly prefix: string;
  private readonly stackProps: (description: string) => StackProps;
  private readonly shardOf: ReadonlyMap<string, number>;
  private readonly shardStacks: ReadonlyMap<number, LogGroupsStack>;
  private readonly wiring = new Map<number, LogWiringStack>();
  /** The ledger entries after this synth: commit them (see `stack-ledger.json`). */
  public readonly ledger: Readonly<Record<string, number>>;
  public readonly stacks: Stack[] = [];
  /** The Sentry/Langfuse forwarders' stack; undefined when the environment deploys neither. */
  public readonly forwarding?: ForwardingStack;
  /** The archive of `exportEnabled` groups (stateful); undefined when no group is archived. */
  public readonly archive?: ArchiveStack;
  /** Alarms, alarm topic, dashboard, Contributor Insights rules (stateless). */
  public readonly monitoring: MonitoringStack;
  /** The saved Logs Insights queries (one nested stack per console folder). */
  public readonly queries: Stack;

  constructor(app: App, props: LoggingEnvironmentProps) {
    const env = props.environment;
    this.environment = env;
    const stackProps = (description: string): StackProps => ({
      env: { account: env.account, region: env.region },
      terminationProtection: env.terminationProtection,
      description,
      tags: env.tags,
    });
    const prefix = `${PROJECT_STACK_PREFIX}-${env.name}`;

    this.core = this.track(
      new LoggingCoreStack(app, `${prefix}-Core`, {
        ...stackProps(`${env.project} ${env.name}: the logs KMS key (stateful)`),
        environment: env,
      }),
    );

    const assignment = assignShards(
      env.logGroups.map((g) => g.name),
      props.ledger ?? {},
      props.groupsPerShard ?? MAX_GROUPS_PER_SHARD,
    );
    this.ledger = assignment.entries;
    const byShard = new Map<number, PlannedLogGroup[]>();
    for (const group of env.logGroups) {
      const shard = assignment.shardOf.get(group.name)!;
      byShard.set(shard, [...(byShard.get(shard) ?? []), group]);
    }
    const shards = [...byShard.entries()].sort(([a], [b]) => a - b);
    this.logGroupShards = shards.map(([shard, groups]) =>
      this.track(
        new LogGroupsStack(app, `${prefix}-LogGroups-${shardLabel(shard)}`, {
          ...stackProps(`${env.project} ${env.name}: log groups, shard ${shardLabel(shard)} (stateful)`),
          environment: env,
          groups,
          encryptionKey: this.core.logsKey,
        }),
      ),
    );
    this.app = app;
    this.stackProps = stackProps;
    this.prefix = prefix;
    this.shardOf = assignment.shardOf;
    this.shardStacks = new Map(shards.map(([shard], i) => [shard, this.logGroupShards[i]]));
    this.forwarding = deployForwarders(this);
    this.archive = deployArchive(this);
    this.monitoring = deployMonitoring(this, { forwarding: this.forwarding, archive: this.archive });
    this.queries = this.addStatelessStack('Queries', 'saved Logs Insights queries (stateless)', (scope, id, p) => {
      const stack = new Stack(scope, id, p);
      new SavedQueries(stack, 'SavedQueries', { environment: env });
      return stack;
    });
  }

  /**
   * The stateless twin of the shard that holds `groupName`, created on first use (a stack with no resources cannot
   * deploy, so a shard with nothing to wire has no twin).
   */
  public wiringStackFor(groupName: string): LogWiringStack {
    const shard = this.shardOf.get(groupName);
    if (shard === undefined) throw new Error(`log group ${groupName} is not in environment ${this.environment.name}`);
    const existing = this.wiring.get(shard);
    if (existing) return existing;
    const env = this.environment;
    const stack = this.track(
      new LogWiringStack(this.app, `${this.prefix}-Wiring-${shardLabel(shard)}`, {
        ...this.stackProps(`${env.project} ${env.name}: subscriptions and filters of shard ${shardLabel(shard)}`),
        environment: env,
        groups: env.logGroups.filter((g) => this.shardOf.get(g.name) === shard),
      }),
    );
    stack.addStackDependency(this.shardStacks.get(shard)!);
    this.wiring.set(shard, stack);
    return stack;
  }

  /**
   * Adds a stateless stack to the environment (forwarders, monitoring): same account and region, common tags,
   * termination protection, named `<prefix>-<suffix>`.
   */
  public addStatelessStack<T extends Stack>(suffix: string, description: string, create: StackFactory<T>): T {
    return this.addStack(suffix, description, create);
  }

  /** Adds a stateful stack (e.g. the archive bucket), with the same env, tags and termination protection. */
  public addStatefulStack<T extends Stack>(suffix: string, description: string, create: StackFactory<T>): T {
    return this.addStack(suffix, description, create);
  }

  private addStack<T extends Stack>(suffix: string, description: string, create: StackFactory<T>): T {
    const env = this.environment;
    return this.track(create(this.app, `${this.prefix}-${suffix}`, this.stackProps(`${env.project} ${env.name}: ${description}`)));
  }

  /** The wiring stacks created so far, in shard order. */
  public get wiringShards(): LogWiringStack[] {
    return [...this.wiring.entries()].sort(([a], [b]) => a - b).map(([, stack]) => stack);
  }

  /** Common tags go on every resource (stack tags alone do not reach what CloudFormation cannot tag). */
  private track<T extends Stack>(stack: T): T {
    for (const [key, value] of Object.entries(stack.tags.tagValues())) Tags.of(stack).add(key, value);
    this.stacks.push(stack);
    return stack;
  }
}

/** Shard labels are 1-based and zero-padded so stacks sort in the console: `01`, `02`, … */
export function shardLabel(shard: number): string {
  return String(shard + 1).padStart(2, '0');
}
