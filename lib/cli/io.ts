import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KMSClient } from '@aws-sdk/client-kms';
import { EnvironmentConfig } from '../config/environment-config';

/** Where the CLI reads and writes; the real process in `bin/logs-cli.ts`, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): void };
  readonly stderr: { write(text: string): void; readonly isTTY?: boolean };
  /** Read by `secret encrypt` only. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Aborted on Ctrl-C: running queries are stopped before the CLI exits. */
  readonly signal?: AbortSignal;
}

/** Where and as whom AWS is called: `--region`/the environment's region and `--profile`. */
export interface AwsTarget {
  readonly region: string;
  /** @default - the SDK's default chain (environment, AWS_PROFILE, SSO, container and instance roles) */
  readonly profile?: string;
}

export interface AwsClients {
  readonly logs: CloudWatchLogsClient;
  readonly kms: KMSClient;
}

/** What commands depend on, replaceable in tests. */
export interface CliDeps {
  readonly clients: (target: AwsTarget) => AwsClients;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Where ciphertexts are read from and `secret encrypt` writes them. @default - `lib/config/secrets` */
  readonly secretsDir?: string;
  /** @default - the shipped `ENVIRONMENTS` */
  readonly environments?: Readonly<Record<string, EnvironmentConfig>>;
}
