/**
 * Wires the Langfuse destination into the shared forwarder: configuration read once per container, the secret key
 * loaded lazily (KMS on first delivery), and after every invocation the destination's own counts and skip reasons.
 */
import { postWithKeepAlive } from '../pipeline/http';
import { createForwarderHandler, type ForwarderHandler, type ForwarderOptions } from '../pipeline/forwarder';
import { pipelineOptionsFrom } from '../pipeline/forwarder-config';
import { createLogger, logLevelFrom, registerSecretForScrubbing, type LineSink, type Logger } from '../pipeline/logger';
import type { Env } from '../pipeline/env-names';
import type { RetryPolicy } from '../pipeline/retry';
import { createSecretLoader, type Decrypt } from '../pipeline/secrets';
import { LangfuseActivity } from './activity';
import { basicAuthorization, LANGFUSE_ENV, readLangfuseConfig } from './config';
import { contentFilter } from './content-policy';
import { createLangfuseDestination, LANGFUSE_DESTINATION_NAME } from './destination';
import { LANGFUSE_RETRY_POLICY } from './otlp-exporter';

export interface LangfuseHandlerOverrides {
  readonly logSink?: LineSink;
  readonly metricsSink?: LineSink;
  readonly decrypt?: Decrypt;
  readonly retryPolicy?: RetryPolicy;
  readonly forwarder?: Partial<ForwarderOptions>;
}

export function createLangfuseHandler(env: Env, overrides: LangfuseHandlerOverrides = {}): ForwarderHandler {
  const config = readLangfuseConfig(env);
  const logger: Logger = createLogger({ service: `${LANGFUSE_DESTINATION_NAME}-forwarder`, level: logLevelFrom(env['LOG_LEVEL']), sink: overrides.logSink });
  for (const warning of config.warnings) logger.warn('configuration problem', { problem: warning });

  const secrets = createSecretLoader(env, overrides.decrypt);
  let authorization: string | undefined;
  const authorize = async (): Promise<string> => {
    if (authorization !== undefined) return authorization;
    const secretKey = await secrets.get('langfuse-secret-key');
    if (config.publicKey === undefined || secretKey === undefined) {
      throw new Error(`${LANGFUSE_ENV.publicKey} and the Langfuse secret key must both be configured`);
    }
    authorization = basicAuthorization(config.publicKey, secretKey);
    registerSecretForScrubbing(authorization.slice('Basic '.length));
    return authorization;
  };

  const activity = new LangfuseActivity();
  const destination = createLangfuseDestination({
    content: contentFilter(config.contentPolicy),
    prices: config.prices,
    activity,
    exporter: {
      endpoint: config.endpoint,
      authorization: authorize,
      post: postWithKeepAlive,
      retryPolicy: overrides.retryPolicy ?? LANGFUSE_RETRY_POLICY,
      concurrency: config.forwarder.deliveryConcurrency,
      logger,
      onRequest: (status) => activity.request(status),
    },
  });

  const forward = createForwarderHandler(destination, {
    ...pipelineOptionsFrom(config.forwarder, logger),
    metricsSink: overrides.metricsSink,
    ...overrides.forwarder,
  });

  return async (event, context) => {
    try {
      return await forward(event, context);
    } finally {
      activity.flush({ environment: config.forwarder.context.environment, logger, metricsSink: overrides.metricsSink });
    }
  };
}
