/**
 * Small, total readers for untrusted JSON: each returns a typed value or `undefined`, never throws. Every parser
 * uses these, so a hostile or half-written log line can only ever produce "field missing".
 */
import { isRecord } from '../../pipeline/unknown-values';
import type { LlmUsage, ModelParameterValue } from '../llm-call';

export type JsonRecord = Readonly<Record<string, unknown>>;

/** Strings longer than this in an id-like field are not ids; they are cut rather than trusted. */
export const MAX_ID_LENGTH = 256;
/** Tags beyond this count or length are dropped: Langfuse tags are labels, not payloads. */
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 200;

/** The pipeline's own, for the format readers. */
export { isRecord };

export function record(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

/** A non-empty string (numbers are accepted as their decimal form: ids are often logged as numbers). */
export function text(value: unknown, maxLength = MAX_ID_LENGTH): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed.length === 0) return undefined;
  return trimmed.length > maxLength ? trimmed.slice(0, maxLength) : trimmed;
}

/** A finite number; numeric strings count too, because OTLP/JSON writes 64-bit integers as strings. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 32) {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A token count: a non-negative integer. Anything else (negative, fractional, huge) is not a count. */
export function count(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function firstText(source: JsonRecord, keys: readonly string[], maxLength = MAX_ID_LENGTH): string | undefined {
  for (const key of keys) {
    const value = text(source[key], maxLength);
    if (value !== undefined) return value;
  }
  return undefined;
}

export function firstCount(source: JsonRecord | undefined, keys: readonly string[]): number | undefined {
  if (source === undefined) return undefined;
  for (const key of keys) {
    const value = count(source[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The fields whose value is defined, in the given order: metadata that only carries what the log said, without a
 * conditional spread (a throwaway object and a copy) per field.
 */
export function definedOnly(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    if (fields[key] !== undefined) out[key] = fields[key];
  }
  return out;
}

export function tags(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    const tag = text(item, MAX_TAG_LENGTH);
    if (tag !== undefined && !out.includes(tag)) out.push(tag);
    if (out.length >= MAX_TAGS) break;
  }
  return out;
}

/**
 * Request-body keys that are sampling parameters, never content (OpenAI, Anthropic, Bedrock Converse/Titan/Llama
 * spellings). When reading a request body, strings outside this list are never copied: they may be prompts.
 */
export const MODEL_PARAMETER_KEYS: readonly string[] = [
  'temperature',
  'top_p',
  'topP',
  'top_k',
  'topK',
  'max_tokens',
  'maxTokens',
  'max_completion_tokens',
  'max_output_tokens',
  'maxTokenCount',
  'max_gen_len',
  'frequency_penalty',
  'presence_penalty',
  'seed',
  'n',
  'stream',
  'reasoning_effort',
  'service_tier',
  'parallel_tool_calls',
  'anthropic_version',
];

/** Longest string value kept as a model parameter; parameters are short (`"auto"`, `"high"`). */
export const MAX_PARAMETER_STRING_LENGTH = 200;

/**
 * The primitive model parameters (temperature, max_tokens, ...) of an object; nested values are not parameters.
 * `only` restricts the keys to an allow-list (for request bodies, which also carry the prompt).
 */
export function modelParameters(value: unknown, only?: readonly string[]): Record<string, ModelParameterValue> {
  const out: Record<string, ModelParameterValue> = {};
  if (!isRecord(value)) return out;
  // Keys, not entries: no [key, value] pair is built per field only to be skipped.
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (only !== undefined && !only.includes(key)) continue;
    const raw = value[key];
    if (raw === null || typeof raw === 'boolean') out[key] = raw;
    else if (typeof raw === 'string') out[key] = raw.slice(0, MAX_PARAMETER_STRING_LENGTH);
    else if (typeof raw === 'number' && Number.isFinite(raw)) out[key] = raw;
  }
  return out;
}

/**
 * Builds exclusive usage buckets. `promptIncludesCache` says whether the provider's prompt count already contains
 * the cached tokens (OpenAI, OTel GenAI) or not (Anthropic, Bedrock).
 */
export function exclusiveUsage(counts: {
  readonly prompt?: number;
  readonly output?: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  readonly total?: number;
  readonly promptIncludesCache: boolean;
}): LlmUsage | undefined {
  const { prompt, output, promptIncludesCache } = counts;
  if (prompt === undefined && output === undefined) return undefined;
  const cacheRead = counts.cacheRead ?? 0;
  const cacheWrite = counts.cacheWrite ?? 0;
  const promptTokens = prompt ?? 0;
  const input = promptIncludesCache ? Math.max(0, promptTokens - cacheRead - cacheWrite) : promptTokens;
  const out = output ?? 0;
  const sum = input + cacheRead + cacheWrite + out;
  // A logged total that disagrees with the buckets is kept only if it is larger (e.g. reasoning or tool tokens).
  const total = counts.total !== undefined && counts.total > sum ? counts.total : sum;
  return { input, output: out, cacheRead, cacheWrite, total };
}

// ---- time -------------------------------------------------------------------------------------------------------

const NS_PER_MS = 1_000_000n;
/** Timestamps outside 2000..2100 are typos or unit mistakes (seconds vs ms), not times. */
const MIN_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);
const MAX_PLAUSIBLE_MS = Date.UTC(2100, 0, 1);

function plausibleMs(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_PLAUSIBLE_MS && ms < MAX_PLAUSIBLE_MS;
}

/**
 * Milliseconds (may carry a fraction) to nanoseconds, rounded to the microsecond: a float of epoch milliseconds
 * holds about 16 significant digits, so digits below the microsecond are noise, not time.
 */
export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  const fractionUs = Math.round((ms - whole) * 1e3);
  return BigInt(whole) * NS_PER_MS + BigInt(fractionUs) * 1000n;
}

export function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
}

const ISO_WITH_FRACTION = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO 8601 to nanoseconds, keeping sub-millisecond digits; a zone-less time is read as UTC (log convention). */
export function isoToNs(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  return utcIsoToNs(value) ?? isoToNsByPattern(value);
}

/** The general reader: any spacing, offset or field range, with the date arithmetic left to `Date.parse`. */
export function isoToNsByPattern(value: string): bigint | undefined {
  const match = ISO_WITH_FRACTION.exec(value.trim());
  if (match === null) return undefined;
  const [, base, fraction, zone] = match;
  const ms = Date.parse(`${base!.replace(' ', 'T')}${zone ?? 'Z'}`);
  if (!plausibleMs(ms)) return undefined;
  const digits = (fraction ?? '').padEnd(9, '0');
  return BigInt(ms) * NS_PER_MS + BigInt(digits);
}

const CHAR_0 = 48;

/** The decimal value of `length` digits at `at`, or -1 if any is not a digit. */
function digitsAt(value: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i += 1) {
    const digit = value.charCodeAt(i) - CHAR_0;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * The shape almost every log writes, `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with fields in their ordinary ranges, read
 * with char-code checks and `Date.UTC` (the regular expression and `Date.parse` cost more than the rest of a parse).
 * Anything else (offsets, spaces, leap seconds, hour 24) is `undefined` here and left to `isoToNsByPattern`.
 */
function utcIsoToNs(value: string): bigint | undefined {
  const end = value.length - 1;
  if (end < 19 || value.charCodeAt(end) !== 0x5a /* Z */) return undefined;
  if (value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d || value.charCodeAt(10) !== 0x54 /* T */) return undefined;
  if (value.charCodeAt(13) !== 0x3a || value.charCodeAt(16) !== 0x3a) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let fractionNs = 0;
  if (end > 19) {
    const separator = value.charCodeAt(19);
    const fractionLength = end - 20;
    if ((separator !== 0x2e && separator !== 0x2c) || fractionLength < 1 || fractionLength > 9) return undefined;
    const fraction = digitsAt(value, 20, fractionLength);
    if (fraction < 0) return undefined;
    fractionNs = fraction * 10 ** (9 - fractionLength);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (!plausibleMs(ms)) return undefined;
  return BigInt(ms) * NS_PER_MS + BigInt(fractionNs);
}

/** Unix seconds (float, as Python's time.time()) to nanoseconds. */
export function epochSecondsToNs(value: unknown): bigint | undefined {
  const seconds = num(value);
  if (seconds === undefined || !plausibleMs(seconds * 1000)) return undefined;
  return msToNs(seconds * 1000);
}

export function epochMsToNs(value: unknown): bigint | undefined {
  const ms = num(value);
  return ms !== undefined && plausibleMs(ms) ? msToNs(ms) : undefined;
}

/** A nanosecond timestamp written as an integer string or number (OTLP/JSON). */
export function epochNsToNs(value: unknown): bigint | undefined {
  let ns: bigint;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) ns = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) ns = BigInt(value);
  else if (typeof value === 'number' && Number.isFinite(value) && value > 0) ns = BigInt(Math.round(value));
  else return undefined;
  return plausibleMs(Number(ns / NS_PER_MS)) ? ns : undefined;
}

/** Any of: ISO string, epoch seconds, epoch milliseconds, epoch nanoseconds; the magnitude tells which. */
export function anyTimeToNs(value: unknown): bigint | undefined {
  const iso = isoToNs(value);
  if (iso !== undefined) return iso;
  const n = num(value);
  if (n === undefined || n <= 0) return undefined;
  if (n < 1e11) return epochSecondsToNs(n);
  if (n < 1e14) return epochMsToNs(n);
  return epochNsToNs(value);
}

/** A duration in milliseconds, as nanoseconds; negative or absurd (over a day) durations are ignored. */
export const MAX_PLAUSIBLE_LATENCY_MS = 24 * 60 * 60 * 1000;
export function durationMsToNs(value: unknown): bigint | undefined {
  const ms = num(value);
  return ms !== undefined && ms >= 0 && ms <= MAX_PLAUSIBLE_LATENCY_MS ? msToNs(ms) : undefined;
}

/** End after start; if the log gives no end, the call had no measurable duration. */
export function orderedTimes(startNs: bigint, endNs: bigint | undefined): { startNs: bigint; endNs: bigint } {
  return { startNs, endNs: endNs !== undefined && endNs >= startNs ? endNs : startNs };
}
