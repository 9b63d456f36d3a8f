/**
 * Langfuse `usage_details` and `cost_details` for a call. Usage keys are Langfuse's own usage types (exclusive
 * buckets: `input` excludes the cache buckets); cost is the logged cost when the log has one, else computed from the
 * price table, else absent: an unknown model gets no cost rather than a guess.
 */
import { findLlmPrice, type LlmPrice } from '../../lib/config/llm-prices';
import { boundedMemo } from '../pipeline/bounded-memo';
import type { LlmCall, LlmUsage } from './llm-call';

/** Langfuse usage types, as in its default model definitions (`input_cache_read`, `input_cache_creation`). */
export const USAGE_KEYS = {
  input: 'input',
  output: 'output',
  cacheRead: 'input_cache_read',
  cacheWrite: 'input_cache_creation',
  total: 'total',
} as const;

export type UsageDetails = Partial<Record<(typeof USAGE_KEYS)[keyof typeof USAGE_KEYS], number>>;

export function usageDetails(usage: LlmUsage): UsageDetails {
  const details: UsageDetails = { [USAGE_KEYS.input]: usage.input, [USAGE_KEYS.output]: usage.output };
  if (usage.cacheRead > 0) details[USAGE_KEYS.cacheRead] = usage.cacheRead;
  if (usage.cacheWrite > 0) details[USAGE_KEYS.cacheWrite] = usage.cacheWrite;
  details[USAGE_KEYS.total] = usage.total;
  return details;
}

const TOKENS_PER_MILLION = 1_000_000;
/** USD amounts are rounded to 1e-10 to drop floating-point noise, far below any billing unit. */
const USD_PRECISION = 1e10;

function usd(amount: number): number {
  const scaled = amount * USD_PRECISION;
  // A logged cost above ~1e298 USD overflows when scaled (to Infinity, which JSON writes as null); it has no noise
  // worth dropping, so it stays as logged.
  return Number.isFinite(scaled) ? Math.round(scaled) / USD_PRECISION : amount;
}

/** Cost per usage bucket from a price row; cache buckets without their own price are billed as input. */
export function costFromPrice(usage: LlmUsage, price: LlmPrice): UsageDetails {
  const perToken = (perMTok: number) => perMTok / TOKENS_PER_MILLION;
  const input = usage.input * perToken(price.inputPerMTok);
  const output = usage.output * perToken(price.outputPerMTok);
  const cacheRead = usage.cacheRead * perToken(price.cachedInputPerMTok ?? price.inputPerMTok);
  const cacheWrite = usage.cacheWrite * perToken(price.cacheWritePerMTok ?? price.inputPerMTok);
  const details: UsageDetails = { [USAGE_KEYS.input]: usd(input), [USAGE_KEYS.output]: usd(output) };
  if (usage.cacheRead > 0) details[USAGE_KEYS.cacheRead] = usd(cacheRead);
  if (usage.cacheWrite > 0) details[USAGE_KEYS.cacheWrite] = usd(cacheWrite);
  details[USAGE_KEYS.total] = usd(input + output + cacheRead + cacheWrite);
  return details;
}

/** Price lookups per table, remembered per model id (matching runs several regular expressions). */
const lookups = new WeakMap<readonly LlmPrice[], (model: string) => LlmPrice | undefined>();

function priceOf(model: string, prices: readonly LlmPrice[]): LlmPrice | undefined {
  let lookup = lookups.get(prices);
  if (lookup === undefined) {
    lookup = boundedMemo((name) => findLlmPrice(name, prices));
    lookups.set(prices, lookup);
  }
  return lookup(model);
}

/** The logged cost, or the price-table cost, or nothing. */
export function costDetails(call: LlmCall, prices: readonly LlmPrice[]): UsageDetails | undefined {
  if (call.costUsd !== undefined) return { [USAGE_KEYS.total]: usd(call.costUsd) };
  if (call.usage === undefined) return undefined;
  const price = priceOf(call.model, prices);
  return price === undefined ? undefined : costFromPrice(call.usage, price);
}
