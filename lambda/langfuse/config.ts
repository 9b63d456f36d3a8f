/**
 * The Langfuse forwarder's configuration, read once per container from its environment (names below; the secret
 * key's names come from the pipeline's secret-purpose table).
 */
import { parsePriceOverrides, type LlmPrice } from '../../lib/config/llm-prices';
import type { Env } from '../pipeline/env-names';
import { readForwarderConfig, type ForwarderConfig } from '../pipeline/forwarder-config';
import { ENV } from '../pipeline/env-names';
import { parseContentPolicy, type ContentPolicy } from './content-policy';
import { otlpTracesEndpoint } from './otlp-exporter';

export const LANGFUSE_ENV = {
  /** Langfuse host; the OTLP path is appended. */
  baseUrl: 'LANGFUSE_BASE_URL',
  /** Public key (not secret): the user half of Basic auth. */
  publicKey: 'LANGFUSE_PUBLIC_KEY',
  /** `full` | `redacted` | `hash` | `none`. */
  contentPolicy: 'LANGFUSE_CONTENT_POLICY',
  /** JSON object of per-model price corrections (USD per million tokens). */
  priceOverrides: 'LLM_PRICE_OVERRIDES',
  /** Langfuse environment name; falls back to LOGS_ENVIRONMENT. */
  environment: 'LANGFUSE_ENVIRONMENT',
  /** Langfuse release for calls whose log has none. */
  release: 'LANGFUSE_RELEASE',
} as const;

export const DEFAULT_LANGFUSE_BASE_URL = 'https://cloud.langfuse.com';
/** Plain HTTP is only for a receiver on this machine (tests, local runs): keys never cross a network in clear. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface LangfuseConfig {
  readonly forwarder: ForwarderConfig;
  readonly endpoint: URL;
  readonly publicKey?: string;
  readonly contentPolicy: ContentPolicy;
  readonly prices: readonly LlmPrice[];
  /** Recoverable misconfigurations; the handler logs them once at start. */
  readonly warnings: readonly string[];
}

export class LangfuseConfigError extends Error {
  override readonly name = 'LangfuseConfigError';
}

/** Throws `LangfuseConfigError` for a base URL that is unusable or would send keys in clear. */
export function readLangfuseConfig(env: Env): LangfuseConfig {
  const forwarder = readForwarderConfig(env, {
    environment: [LANGFUSE_ENV.environment, ENV.logsEnvironment],
    release: LANGFUSE_ENV.release,
  });
  const warnings = [...forwarder.warnings];
  const prices = parsePriceOverrides(env[LANGFUSE_ENV.priceOverrides]);
  warnings.push(...prices.problems);
  const publicKey = env[LANGFUSE_ENV.publicKey]?.trim() || undefined;
  if (publicKey === undefined) warnings.push(`${LANGFUSE_ENV.publicKey} is not set; every span will be parked until it is`);
  return {
    forwarder,
    endpoint: endpointFrom(env[LANGFUSE_ENV.baseUrl]?.trim() || DEFAULT_LANGFUSE_BASE_URL),
    publicKey,
    contentPolicy: parseContentPolicy(env[LANGFUSE_ENV.contentPolicy], (message) => warnings.push(message)),
    prices: prices.table,
    warnings,
  };
}

function endpointFrom(baseUrl: string): URL {
  let url: URL;
  try {
    url = otlpTracesEndpoint(baseUrl);
  } catch {
    throw new LangfuseConfigError(`${LANGFUSE_ENV.baseUrl} is not a URL: "${baseUrl}"`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new LangfuseConfigError(`${LANGFUSE_ENV.baseUrl} must be https (plain http only to localhost), got "${url.origin}"`);
}

/** `Basic base64(public:secret)`, Langfuse's OTLP authentication. */
export function basicAuthorization(publicKey: string, secretKey: string): string {
  return `Basic ${Buffer.from(`${publicKey}:${secretKey}`, 'utf8').toString('base64')}`;
}
