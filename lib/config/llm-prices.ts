/**
 * LLM prices in USD per million tokens, used by the Langfuse forwarder when a log carries usage but no cost.
 * Unknown models get no cost rather than a guess.
 *
 * Each row cites the provider's pricing page and the day the price was checked. Prices were read from the provider
 * pages' figures as mirrored in Langfuse's audited model-price list (langfuse/langfuse
 * `worker/src/constants/default-model-prices.json`, commit 00e25def4ae8d0ddf27f118c9495752efa631fed), which is
 * checked daily against the same official pages; Amazon Nova from the Bedrock pricing page (us-east-1, on-demand).
 * Standard tier only: batch, flex, priority and long-context tiers differ and are not modelled.
 *
 * Per-environment corrections come as JSON in the forwarder's `LLM_PRICE_OVERRIDES` environment variable; see
 * `parsePriceOverrides`. This module is plain data and functions (no CDK), so the Lambda bundle can import it.
 */

export interface PriceSource {
  readonly url: string;
  /** ISO date the price was last checked. */
  readonly seen: string;
}

export interface LlmPrice {
  /** Canonical model name (see `canonicalModelName`): no provider prefix, region prefix, version or date suffix. */
  readonly model: string;
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** Prompt tokens served from the provider's cache (cache reads); absent = billed as input. */
  readonly cachedInputPerMTok?: number;
  /** Prompt tokens written to the cache (Anthropic's 5-minute cache writes); absent = billed as input. */
  readonly cacheWritePerMTok?: number;
  readonly source: PriceSource;
}

const OPENAI: PriceSource = { url: 'https://openai.com/api/pricing/', seen: '2026-11-21' };
const ANTHROPIC: PriceSource = { url: 'https://www.anthropic.com/pricing#api', seen: '2026-11-21' };
const BEDROCK: PriceSource = { url: 'https://aws.amazon.com/bedrock/pricing/', seen: '2026-11-21' };

export const LLM_PRICES: readonly LlmPrice[] = [
  // OpenAI
  { model: 'gpt-4o', inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25, source: OPENAI },
  // The first gpt-4o snapshot kept its launch price; the dated name matches before the family name.
  { model: 'gpt-4o-2024-05-13', inputPerMTok: 5, outputPerMTok: 15, source: OPENAI },
  { model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, source: OPENAI },
  { model: 'gpt-4.1', inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5, source: OPENAI },
  { model: 'gpt-4.1-mini', inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1, source: OPENAI },
  { model: 'gpt-4.1-nano', inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025, source: OPENAI },
  { model: 'gpt-5', inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125, source: OPENAI },
  { model: 'gpt-5-mini', inputPerMTok: 0.25, outputPerMTok: 2, cachedInputPerMTok: 0.025, source: OPENAI },
  { model: 'gpt-5-nano', inputPerMTok: 0.05, outputPerMTok: 0.4, cachedInputPerMTok: 0.005, source: OPENAI },
  { model: 'gpt-5.1', inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125, source: OPENAI },
  { model: 'o1', inputPerMTok: 15, outputPerMTok: 60, cachedInputPerMTok: 7.5, source: OPENAI },
  { model: 'o3', inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5, source: OPENAI },
  { model: 'o3-mini', inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.55, source: OPENAI },
  { model: 'o4-mini', inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.275, source: OPENAI },
  // Anthropic (also on Bedrock at the same on-demand prices)
  { model: 'claude-opus-4-5', inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5, cacheWritePerMTok: 6.25, source: ANTHROPIC },
  { model: 'claude-opus-4-1', inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, cacheWritePerMTok: 18.75, source: ANTHROPIC },
  { model: 'claude-opus-4', inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, cacheWritePerMTok: 18.75, source: ANTHROPIC },
  { model: 'claude-sonnet-4-5', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, source: ANTHROPIC },
  { model: 'claude-sonnet-4', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, source: ANTHROPIC },
  { model: 'claude-3-7-sonnet', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, source: ANTHROPIC },
  { model: 'claude-3-5-sonnet', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, source: ANTHROPIC },
  { model: 'claude-haiku-4-5', inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1, cacheWritePerMTok: 1.25, source: ANTHROPIC },
  { model: 'claude-3-5-haiku', inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, cacheWritePerMTok: 1, source: ANTHROPIC },
  { model: 'claude-3-haiku', inputPerMTok: 0.25, outputPerMTok: 1.25, cachedInputPerMTok: 0.03, cacheWritePerMTok: 0.3, source: ANTHROPIC },
  // Amazon Nova on Bedrock (us-east-1, on-demand; cache reads at the published 75% discount)
  { model: 'nova-pro', inputPerMTok: 0.8, outputPerMTok: 3.2, cachedInputPerMTok: 0.2, source: BEDROCK },
  { model: 'nova-lite', inputPerMTok: 0.06, outputPerMTok: 0.24, cachedInputPerMTok: 0.015, source: BEDROCK },
  { model: 'nova-micro', inputPerMTok: 0.035, outputPerMTok: 0.14, cachedInputPerMTok: 0.00875, source: BEDROCK },
];

/** Provider/gateway prefixes (`openai/gpt-4o`, LiteLLM's `bedrock/…`, Azure's `azure/…`). */
const PROVIDER_PREFIX = /^(openai|anthropic|bedrock|bedrock_converse|azure|azure_ai|vertex_ai|litellm_proxy)\//;
/** Bedrock cross-region inference-profile prefixes (`us.`, `eu.`, `apac.`, `global.`, ...). */
const REGION_PREFIX = /^(us|eu|apac|global|jp|au|ca|us-gov)\./;
/** Bedrock model vendor prefixes (`anthropic.claude…`, `amazon.nova…`). */
const VENDOR_PREFIX = /^(anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai)\./;
/** Bedrock version suffixes (`-v1:0`, `-v2`, `:0`) and Vertex's `@20250514`. */
const VERSION_SUFFIX = /(-v\d+(:\d+)?|:\d+|@[\w.-]+)$/;
/** Snapshot dates: OpenAI `-2024-08-06`, Anthropic `-20250514`; and the moving `-latest` alias. */
const DATE_SUFFIX = /(-\d{4}-\d{2}-\d{2}|-\d{8}|-latest)$/;

/**
 * The comparable form of a model id: lower case, without provider/gateway prefix, Bedrock ARN, region and vendor
 * prefixes and version suffix. Dates are kept (some snapshots are priced differently); `findLlmPrice` strips them
 * as a second try.
 */
export function canonicalModelName(raw: string): string {
  let name = raw.trim().toLowerCase();
  if (name.startsWith('arn:')) name = name.slice(name.lastIndexOf('/') + 1);
  name = name.replace(PROVIDER_PREFIX, '');
  name = name.replace(REGION_PREFIX, '');
  name = name.replace(VENDOR_PREFIX, '');
  name = name.replace(VERSION_SUFFIX, '');
  return name;
}

/**
 * The price row for a model id: exact canonical name first (dated snapshots), then without the date. Fine-tuned
 * models (`ft:…`) and anything else not in the table get no price.
 */
export function findLlmPrice(model: string, table: readonly LlmPrice[] = LLM_PRICES): LlmPrice | undefined {
  const canonical = canonicalModelName(model);
  if (canonical.startsWith('ft:')) return undefined;
  const exact = table.find((row) => row.model === canonical);
  if (exact !== undefined) return exact;
  const undated = canonical.replace(DATE_SUFFIX, '');
  return undated === canonical ? undefined : table.find((row) => row.model === undated);
}

export interface PriceOverrides {
  /** Override rows first, then the built-in table: the first match wins. */
  readonly table: readonly LlmPrice[];
  /** One sentence per rejected entry, naming it; the forwarder logs them once at init. */
  readonly problems: readonly string[];
}

const OVERRIDE_SOURCE: PriceSource = { url: 'env:LLM_PRICE_OVERRIDES', seen: 'deploy time' };

/**
 * Parses `LLM_PRICE_OVERRIDES`: a JSON object keyed by model id, each value
 * `{ "input": <USD/MTok>, "output": <USD/MTok>, "cachedInput"?: <USD/MTok>, "cacheWrite"?: <USD/MTok> }`, e.g.
 * `{"gpt-4o": {"input": 2.25, "output": 9}}` for a negotiated discount. Bad entries are reported, not fatal:
 * the forwarder keeps running on the built-in prices.
 */
export function parsePriceOverrides(json: string | undefined, base: readonly LlmPrice[] = LLM_PRICES): PriceOverrides {
  if (json === undefined || json.trim() === '') return { table: base, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { table: base, problems: ['LLM_PRICE_OVERRIDES is not valid JSON; using built-in prices'] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { table: base, problems: ['LLM_PRICE_OVERRIDES must be a JSON object keyed by model id'] };
  }
  const rows: LlmPrice[] = [];
  const problems: string[] = [];
  for (const [model, value] of Object.entries(parsed as Record<string, unknown>)) {
    const row = overrideRow(model, value);
    if (typeof row === 'string') problems.push(row);
    else rows.push(row);
  }
  return { table: [...rows, ...base], problems };
}

function overrideRow(model: string, value: unknown): LlmPrice | string {
  if (typeof value !== 'object' || value === null) return `price override for "${model}" must be an object`;
  const v = value as Record<string, unknown>;
  const price = (key: string): number | undefined | 'bad' => {
    const p = v[key];
    if (p === undefined) return undefined;
    return typeof p === 'number' && Number.isFinite(p) && p >= 0 ? p : 'bad';
  };
  const input = price('input');
  const output = price('output');
  const cachedInput = price('cachedInput');
  const cacheWrite = price('cacheWrite');
  if (input === undefined || output === undefined) return `price override for "${model}" needs "input" and "output"`;
  if ([input, output, cachedInput, cacheWrite].includes('bad')) {
    return `price override for "${model}" has a price that is not a non-negative number`;
  }
  return {
    model: canonicalModelName(model),
    inputPerMTok: input as number,
    outputPerMTok: output as number,
    cachedInputPerMTok: cachedInput as number | undefined,
    cacheWritePerMTok: cacheWrite as number | undefined,
    source: OVERRIDE_SOURCE,
  };
}
