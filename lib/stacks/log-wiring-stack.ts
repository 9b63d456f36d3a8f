import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlannedLogGroup, ResolvedEnvironment } from '../config/resolve';

export interface LogWiringStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
  /** The groups of the log-group shard this stack mirrors (same ledger, so wiring never moves either). */
  readonly groups: readonly PlannedLogGroup[];
}

/**
 * Stateless twin of one log-group shard: what attaches to those groups (subscription filters, metric filters).
 * It refers to the groups by name, so it needs no cross-stack exports from the stateful shard and can be replaced
 * freely. A subscription filter that moved between stacks would be deleted by the old stack after the new one
 * created it, so this shard mirrors the ledger exactly like its groups.
 */
export class LogWiringStack extends Stack {
  public readonly loggingEnvironment: ResolvedEnvironment;
  public readonly groups: readonly PlannedLogGroup[];

  constructor(scope: Construct, id: string, props: LogWiringStackProps) {
    super(scope, id, props);
    this.loggingEnvironment = props.environment;
    this.groups = props.groups;
  }
}
