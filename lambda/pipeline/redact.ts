import { boundedMemo } from './bounded-memo';
import { looksLikeCardNumber } from './luhn';
import { setOwn } from './safe-json';
import type { JsonObject, JsonValue } from './types';
import { describeError } from './unknown-values';

/**
 * Redaction: runs on every payload before it leaves the function (sent or parked), for both forwarders.
 *
 * Text: one pass per rule over a string (which also covers JSON written as text). Structured values: a walk that
 * blanks whole values under secret-looking keys (`"credentials": {...}`) and runs the text rules on every string,
 * unescaped, so an escaped quote or newline cannot hide a secret.
 * Every rule is a bounded regular expression: no nested quantifiers, lengths capped, so a hostile line costs linear
 * time. A replaced value becomes `[REDACTED:<kind>]`; redacting twice changes nothing.
 */

export const REDACTED = '[REDACTED]';
const marker = (kind: string) => `[REDACTED:${kind}]`;
const SECRET_MARKER = marker('secret');
const CARD_MARKER = marker('card');
/** The smallest 13-digit number: no shorter number can be a card number. */
const SMALLEST_CARD_NUMBER = 1e12;

/** No secret any rule knows is shorter than this (`a@b.io`); shorter strings skip the rules. */
const MIN_SECRET_CHARS = 6;
/** Distinct short strings whose redaction is remembered per container. */
const SHORT_TEXT_MEMO_ENTRIES = 4096;
/** JSON keys at least this long are run through the text rules (the shortest key format we know is 20 characters). */
const KEY_WORTH_REDACTING_CHARS = 20;

/**
 * Longest value the key=value rule reads in one regular-expression step (bounded, so a hostile line costs linear
 * time); a longer value is then followed to its end by a plain scan and redacted whole.
 */
export const MAX_REDACTED_VALUE_CHARS = 4096;

/** Secret-looking key names, after lower-casing and dropping everything but letters and digits. */
const SECRET_KEY = /password|passwd|passphrase|pwd|secret|apikey|cookie|credential|privatekey|accesskey|signature|authorization|sentrykey|token$|^auth$|^dsn$/;
/** Names that contain a secret word but hold counts, ids or settings (`max_tokens`, `api_key_id`, `token_type`). */
const NOT_SECRET_KEY = /(?:id|ids|tokens|count|limit|type|length|usage|expiry|expiresat|expiresin|ttl|url|uri|policy|rotation)$/;

/** The same few keys come with every line of a service: decided once per container (bounded). */
export const isSecretKey = boundedMemo((key: string): boolean => {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY.test(normalised) && !NOT_SECRET_KEY.test(normalised);
}, 4096);

interface TextRule {
  readonly kind: string;
  apply(text: string): string;
}

/** A rule that is one global regular expression, run only when a cheap test says it may match. */
function regexRule(
  kind: string,
  pattern: RegExp,
  replace: (match: string, ...groups: string[]) => string,
  worthTrying?: (text: string) => boolean,
): TextRule {
  const replacer = replace as (match: string, ...rest: unknown[]) => string;
  return {
    kind,
    apply: (text) => {
      if (worthTrying && !worthTrying(text)) return text;
      pattern.lastIndex = 0;
      return text.replace(pattern, replacer);
    },
  };
}

const hasDigitRun = /\d{4}/;

export const TEXT_RULES: readonly TextRule[] = [
  regexRule(
    'private-key',
    /-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]{0,16384}?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)/g,
    () => marker('private-key'),
    (text) => text.includes('PRIVATE KEY'),
  ),
  // An HTTP Cookie / Set-Cookie header: every pair on the line is a secret.
  regexRule(
    'cookie',
    /\b((?:set-)?cookie)(\s{0,8}:\s{0,8})([^\r\n"]{1,8192})/gi,
    (_m, name, separator) => `${name}${separator}${marker('cookie')}`,
    (text) => /cookie/i.test(text),
  ),
  regexRule(
    'authorization',
    /\b((?:proxy-)?authori[sz]ation)(["']?\s{0,8}[:=]\s{0,8}["']?)((?:bearer|basic|digest|token|negotiate|aws4-hmac-sha256)\s{1,8})?([^\s"',;}]{1,8192}(?:,\s{0,4}[^\s"',;}]{1,8192}){0,4})/gi,
    (_m, name, separator, scheme) => `${name}${separator}${scheme ?? ''}${marker('authorization')}`,
    (text) => /authori[sz]ation/i.test(text),
  ),
  { kind: 'secret-field', apply: redactSecretFields },
  // Credentials in a URL, Sentry DSNs included: scheme://user[:password]@host.
  regexRule(
    'url-credentials',
    /\b([a-z][a-z0-9+.-]{0,20}:\/\/)[^\s:@/?#"'<>[\]]{1,256}(?::[^\s@/?#"'<>]{0,256})?@/gi,
    (_m, scheme) => `${scheme}${marker('credentials')}@`,
    (text) => text.includes('://') && text.includes('@'),
  ),
  regexRule(
    'bearer',
    /\b(Bearer\s{1,8})[A-Za-z0-9._~+/-]{8,8192}=*|\b(Basic\s{1,8})(?=[A-Za-z0-9+/]{0,8191}[0-9+/=])[A-Za-z0-9+/]{8,8192}={0,2}(?![A-Za-z0-9+/=])/gi,
    (_m, bearer, basic) => `${bearer ?? basic}${marker('token')}`,
    (text) => /bearer|basic/i.test(text),
  ),
  // Langfuse (sk-lf-/pk-lf-), OpenAI and Anthropic (sk-, sk-proj-, sk-ant-), Sentry and GitHub tokens, Slack.
  regexRule(
    'api-key',
    /\b(?:(?:sk|pk)-lf-[A-Za-z0-9-]{8,256}|sk-[A-Za-z0-9_-]{20,512}|sntry[su]_[A-Za-z0-9_=+/-]{20,512}|gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255}|xox[abprs]-[A-Za-z0-9-]{10,255})/g,
    () => marker('api-key'),
    (text) => /sk-|pk-lf-|sntry|gh[pousr]_|github_pat_|xox/.test(text),
  ),
  regexRule(
    'aws-access-key',
    /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g,
    () => marker('aws-access-key'),
    (text) => /A[BCGIKNPRS][A-Z]A/.test(text),
  ),
  regexRule(
    'jwt',
    /\beyJ[A-Za-z0-9_-]{4,8192}\.eyJ[A-Za-z0-9_-]{4,16384}\.[A-Za-z0-9_-]{0,8192}/g,
    () => marker('jwt'),
    (text) => text.includes('eyJ'),
  ),
  { kind: 'aws-secret-key', apply: redactAwsSecretKeys },
  regexRule(
    'email',
    /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    () => marker('email'),
    (text) => text.includes('@'),
  ),
  regexRule(
    'card',
    /(?<![0-9A-Za-z.])[2-6](?:[ -]?\d){12,18}(?![0-9A-Za-z])/g,
    (match) => redactCardPrefix(match),
    (text) => hasDigitRun.test(text),
  ),
];

/**
 * One test that every built-in rule but the AWS secret key scan needs to pass (a superset of their own pre-checks,
 * case-insensitive), so a string that holds nothing costs one scan, plus the secret key's skip search when it is
 * 40 characters or longer. Property-tested: a string that fails it is left alone by every other rule.
 */
export const ANY_RULE_MAY_MATCH = /PRIVATE KEY|cookie|authori[sz]ation|pass|pwd|secret|token|key|credential|signature|auth|dsn|bearer|basic|sk-|pk-lf-|sntry|gh[pousr]_|github_pat_|xox|A[BCGIKNPRS][A-Z]A|eyJ|@|\d(?:[ -]?\d){12}/i;

/** Words that make a key worth a closer look; `isSecretKey` decides. */
const SECRET_WORD = /password|passwd|passphrase|pwd|secret|token|api[_-]?key|cookie|credential|private[_-]?key|access[_-]?key|signature|auth|sentry_key|dsn/gi;
/** From a key's first character: the key, an optional closing quote, `=` or `:`, and the value. */
const MAX = MAX_REDACTED_VALUE_CHARS;
const FIELD_AT = new RegExp(
  // Value: "double", 'single', \"escaped\" (JSON written inside a JSON string or an error message), or bare.
  `([A-Za-z0-9_.-]{1,120})(["']?|\\\\")(\\s{0,8}[=:]\\s{0,8})("(?:[^"\\\\\\r\\n]|\\\\.){0,${MAX}}"?|'[^'\\r\\n]{0,${MAX}}'?|\\\\"(?:[^\\\\\\r\\n]|\\\\(?!")){0,${MAX}}(?:\\\\")?|[^\\s,;&"'{}[][^\\s,;&"'}]{0,${MAX - 1}})`,
  'y',
);
const KEY_CHAR = /[A-Za-z0-9_.-]/;

/**
 * key=value, key: value, "key":"value", 'key': 'value' under secret-looking keys. Finds the secret words first
 * (a fast literal scan), then reads the field around each one, so ordinary text costs one pass.
 */
function redactSecretFields(text: string): string {
  SECRET_WORD.lastIndex = 0;
  let out = '';
  let copiedUpTo = 0;
  let word: RegExpExecArray | null;
  while ((word = SECRET_WORD.exec(text)) !== null) {
    let keyStart = word.index;
    while (keyStart > copiedUpTo && word.index - keyStart < 40 && KEY_CHAR.test(text[keyStart - 1])) keyStart--;
    if (keyStart > 0 && KEY_CHAR.test(text[keyStart - 1])) continue;
    FIELD_AT.lastIndex = keyStart;
    const field = FIELD_AT.exec(text);
    if (!field) continue;
    const [whole, key, keyQuote, separator, value] = field;
    SECRET_WORD.lastIndex = keyStart + whole.length;
    if (!isSecretKey(key) || value.startsWith('[REDACTED')) continue;
    const quote = openingQuote(value) ?? (keyQuote === '"' || keyQuote === '\\"' ? keyQuote : '');
    out += `${text.slice(copiedUpTo, keyStart)}${key}${keyQuote}${separator}${quote}${SECRET_MARKER}${quote}`;
    copiedUpTo = valueEnd(text, keyStart + whole.length, value);
    SECRET_WORD.lastIndex = copiedUpTo;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * Where a value the bounded regular expression read ends. Usually where the match ended; when the match stopped at
 * the length cap, the rest of the same value (up to its closing quote, or for a bare value the next separator) is
 * part of the secret too.
 */
function valueEnd(text: string, matchEnd: number, value: string): number {
  const quote = openingQuote(value);
  const closed = quote !== undefined && value.length > quote.length && value.endsWith(quote) && !value.endsWith(`\\${quote}`);
  if (closed || value.length < MAX) return matchEnd;
  let end = matchEnd;
  if (quote) {
    while (end < text.length && !text.startsWith(quote, end) && text[end] !== '\r' && text[end] !== '\n') {
      end += quote.length === 1 && text[end] === '\\' ? 2 : 1;
    }
    return Math.min(text.length, end + (text.startsWith(quote, end) ? quote.length : 0));
  }
  while (end < text.length && !BARE_VALUE_END.has(text[end])) end++;
  return end;
}

/** The quote a value opens with: `"`, `'`, or `\"` (an escaped quote), or undefined for a bare value. */
function openingQuote(value: string): string | undefined {
  if (value.startsWith('\\"')) return '\\"';
  return value.startsWith('"') || value.startsWith("'") ? value[0] : undefined;
}
const BARE_VALUE_END = new Set([' ', '\t', '\r', '\n', ',', ';', '&', '"', "'", '}']);

/** Characters of a base64 run, indexed by char code. */
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_CHAR[c.charCodeAt(0)] = 1;
const AWS_SECRET_KEY_LENGTH = 40;

const isBase64At = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  return code < 128 && BASE64_CHAR[code] === 1;
};

/**
 * A 40-character AWS secret access key standing alone: a run of exactly 40 base64 characters, not padded, with
 * upper case, lower case and a digit (git SHAs are lower-case hex). A skip search (probe 39 ahead, step back to the
 * last break) looks at a fraction of the characters; a regular expression here costs several times more.
 */
function redactAwsSecretKeys(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let start = 0; // always just after a non-base64 character (or 0)
  while (start + AWS_SECRET_KEY_LENGTH <= text.length) {
    const probe = start + AWS_SECRET_KEY_LENGTH - 1;
    if (!isBase64At(text, probe)) {
      start = probe + 1;
      continue;
    }
    let back = probe - 1;
    while (back >= start && isBase64At(text, back)) back--;
    if (back >= start) {
      start = back + 1;
      continue;
    }
    let end = probe + 1;
    while (end < text.length && isBase64At(text, end)) end++;
    const run = text.slice(start, end);
    const paddedOrJoined = text.charCodeAt(end) === 61 /* = */ || (start > 0 && text.charCodeAt(start - 1) === 61);
    if (run.length === AWS_SECRET_KEY_LENGTH && !paddedOrJoined && /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run)) {
      out += text.slice(copiedUpTo, start) + marker('aws-secret-key');
      copiedUpTo = end;
    }
    start = end + 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * The card rule matches greedily (up to 19 digits with separators), so a card followed by a short number
 * ("4111 1111 1111 1111 12") arrives as one run: redact the longest Luhn-valid prefix that ends on a digit group.
 */
function redactCardPrefix(run: string): string {
  for (let end = run.length; end >= 13; end--) {
    if (end < run.length && run[end] !== ' ' && run[end] !== '-') continue;
    if (looksLikeCardNumber(run.slice(0, end).replace(/[ -]/g, ''))) return CARD_MARKER + run.slice(end);
  }
  return run;
}

export interface RedactorOptions {
  /** Extra regular expressions whose matches are redacted (per environment: customer ids, internal hosts). */
  readonly extraPatterns?: readonly RegExp[];
}

export interface Redactor {
  /** Redacts a free-text line (which may be JSON written as text). */
  text(value: string): string;
  /**
   * Blanks values under secret-looking keys and card numbers written as numbers; strings go through `text`.
   * Returns the very same object when nothing needed redacting.
   */
  json(value: JsonObject): JsonObject;
  /** `json` for any JSON value (a prompt may be a string, an array of messages or an object). */
  value(value: JsonValue): JsonValue;
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const extra = (options.extraPatterns ?? []).map((pattern) =>
    regexRule('custom', new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`), () => marker('custom')),
  );

  const rulesOn = (value: string): string => {
    let out = value;
    // Most strings fail the one combined test; of the rules, only the AWS secret key scan can then still match.
    if (ANY_RULE_MAY_MATCH.test(value)) for (const rule of TEXT_RULES) out = rule.apply(out);
    else if (value.length >= AWS_SECRET_KEY_LENGTH) out = redactAwsSecretKeys(out);
    for (const rule of extra) out = rule.apply(out);
    return out;
  };
  // Short strings (models, roles, providers, services, levels) repeat on every line: their answer is remembered.
  const shortText = boundedMemo(rulesOn, SHORT_TEXT_MEMO_ENTRIES);
  const text = (value: string): string => {
    if (value.length < MIN_SECRET_CHARS) return value;
    return value.length < AWS_SECRET_KEY_LENGTH ? shortText(value) : rulesOn(value);
  };

  /** Whether plain objects' `for…in` lists own keys only; read once per redaction, not per object walked. */
  let objectPrototypeClean = true;

  /**
   * Copy-on-write: an untouched subtree comes back as the same reference, so callers can tell nothing changed.
   * Hand-written loops, no `map`/`some`/`Object.keys` arrays: this runs on every value of every event.
   */
  const walk = (value: JsonValue): JsonValue => {
    if (typeof value === 'string') return text(value);
    if (typeof value === 'number') return value >= SMALLEST_CARD_NUMBER && Number.isSafeInteger(value) && looksLikeCardNumber(String(value)) ? CARD_MARKER : value;
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return walkArray(value);
    const prototype = Object.getPrototypeOf(value);
    if (prototype === null || (prototype === Object.prototype && objectPrototypeClean)) return walkFields(value);
    // Not a plain object (or Object.prototype was given enumerable keys): the fields loop would see inherited keys,
    // so it reads a snapshot of the own ones, and the object itself comes back when nothing changed.
    const ownFields = ownFieldsOf(value);
    const redacted = walkFields(ownFields);
    return redacted === ownFields ? value : redacted;
  };

  const walkArray = (value: JsonValue[]): JsonValue => {
    let copy: JsonValue[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      const next = walk(item);
      if (copy) copy.push(next);
      else if (next !== item) {
        copy = value.slice(0, index);
        copy.push(next);
      }
    }
    return copy ?? value;
  };

  /**
   * The fields of an object with no inherited enumerable keys. `for…in` rather than `Object.keys`: V8 then reads
   * each value by its slot (no keys array, no keyed lookup), which halves the cost of visiting a field.
   */
  const walkFields = (value: JsonObject): JsonObject => {
    let copy: JsonObject | undefined;
    for (const key in value) {
      const child = value[key];
      const next = isSecretKey(key) && child !== null && child !== '' && child !== SECRET_MARKER ? SECRET_MARKER : walk(child);
      // Keys are data too (maps keyed by e-mail address or token); only long or addressed ones can hold a secret.
      const nextKey = key.length >= KEY_WORTH_REDACTING_CHARS || key.includes('@') ? text(key) : key;
      if (next === child && nextKey === key) {
        if (copy) setOwn(copy, key, child);
        continue;
      }
      if (!copy) {
        copy = {};
        for (const earlier in value) {
          if (earlier === key) break;
          setOwn(copy, earlier, value[earlier]);
        }
      }
      setOwn(copy, nextKey, next);
    }
    return copy ?? value;
  };

  const redactValue = (value: JsonValue): JsonValue => {
    objectPrototypeClean = !inheritsEnumerableKeys();
    return walk(value);
  };

  return { text, json: (value) => redactValue(value) as JsonObject, value: redactValue };
}

/** Whether `for…in` over a plain object would also list inherited keys (only if Object.prototype was polluted). */
function inheritsEnumerableKeys(): boolean {
  for (const _key in Object.prototype) return true;
  return false;
}

/** The own enumerable fields of an object, on no prototype (so `for…in` lists exactly them), `__proto__` included. */
function ownFieldsOf(value: JsonObject): JsonObject {
  const fields = Object.create(null) as JsonObject;
  for (const key of Object.keys(value)) setOwn(fields, key, value[key]);
  return fields;
}

/** The extra patterns an environment configures: a JSON array of regular-expression sources. */
export function parseExtraPatterns(raw: string | undefined): RegExp[] {
  if (raw === undefined || raw.trim() === '') return [];
  let sources: unknown;
  try {
    sources = JSON.parse(raw);
  } catch {
    throw new RedactionConfigError('REDACT_EXTRA_PATTERNS must be a JSON array of regular-expression sources');
  }
  if (!Array.isArray(sources) || !sources.every((source) => typeof source === 'string' && source.length > 0)) {
    throw new RedactionConfigError('REDACT_EXTRA_PATTERNS must be a JSON array of non-empty strings');
  }
  return sources.map((source: string, index) => {
    try {
      return new RegExp(source, 'g');
    } catch (error) {
      throw new RedactionConfigError(`REDACT_EXTRA_PATTERNS[${index}] is not a valid regular expression: ${describeError(error)}`);
    }
  });
}

/**
 * A bad extra pattern stops the forwarder from starting: forwarding without a redaction rule the environment asked
 * for could leak what the rule was meant to hide (the events wait in Lambda's retries and the failure destination).
 */
export class RedactionConfigError extends Error {
  override readonly name = 'RedactionConfigError';
}
