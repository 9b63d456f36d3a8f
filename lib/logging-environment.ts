import { App, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { PROJECT_STACK_PREFIX } from './config/environment-config';
import { PlannedLogGroup, ResolvedEnvironment } from './config/resolve';
import { assignShards } from './sharding/stack-ledger';
import { LogGroupsStack, MAX_GROUPS_PER_SHARD } from './stacks/log-groups-stack';
import { LoggingCoreStack } from './stacks/logging-core-stack';

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
  /** The ledger entries after this synth: commit them (see `stack-ledger.json`). */
  public readonly ledger: Readonly<Record<string, number>>;
  public readonly stacks: Stack[] = [];

  constructor(app: App, props: LoggingEnvironmentProps) {
    const env = props.environment;
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
    this.logGroupShards = [...byShard.entries()]
      .sort(([a], [b]) => a - b)
      .map(([shard, groups]) => {
        const stack = new LogGroupsStack(app, `${prefix}-LogGroups-${shardLabel(shard)}`, {
          ...stackProps(`${env.project} ${env.name}: log groups, shard ${shardLabel(shard)} (stateful)`),
          environment: env,
          groups,
          encryptionKey: this.core.logsKey,
        });
        return this.track(stack);
      });
  }

  /** Common tags go on every resource (stack tags alone do not reach resources CloudFormation cannot tag). */
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
