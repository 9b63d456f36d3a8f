/**
 * One span written straight as OTLP/JSON text: the same text JSON.stringify gives for the `OtlpSpan` object
 * (`OtlpSpanBuilder`), without building that object tree first. The JSON around each value is a constant fragment
 * kept on the attribute's key, and an attribute whose value recurs from span to span (environment, model, log
 * stream…) is remembered whole.
 */
import { boundedMemo } from '../pipeline/bounded-memo';
import type { OtlpSpanHead, OtlpSpanSink, OtlpStatus } from './otlp';

/** What JSON.stringify escapes in a string: quote, backslash, control characters and (lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON text: most values (ids, names, numbers) need no escaping and are quoted as they are. */
export function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** Distinct values remembered per recurring key; past it a value is written afresh each time. */
const MAX_RECURRING_VALUES = 256;

/**
 * An attribute key with the JSON text around its values, made once per key (the mapper's constants, and the
 * metadata keys it remembers), so writing an attribute looks nothing up by name. Remembered text is joined, not
 * concatenated: a flat string is copied into every span's text without walking the pieces it was made of.
 */
export class OtlpAttributeKey {
  /** `{"key":"<name>","value":{"stringValue":` */
  readonly stringValueOpen: string;
  /** `{"key":"<name>","value":{"arrayValue":{"values":[` */
  readonly arrayValueOpen: string;
  #recurring: ((value: string) => string) | undefined;

  constructor(readonly name: string) {
    this.stringValueOpen = ['{"key":', jsonString(name), ',"value":{"stringValue":'].join('');
    this.arrayValueOpen = ['{"key":', jsonString(name), ',"value":{"arrayValue":{"values":['].join('');
  }

  /** The whole attribute for a value that recurs from span to span, remembered per value. */
  recurringStringAttribute(value: string): string {
    this.#recurring ??= boundedMemo((recurring: string) => [this.stringValueOpen, jsonString(recurring), '}}'].join(''), MAX_RECURRING_VALUES);
    return this.#recurring(value);
  }
}

/** Keys for a table of attribute names. */
export function otlpAttributeKeys<Names extends Readonly<Record<string, string>>>(names: Names): { readonly [Name in keyof Names]: OtlpAttributeKey } {
  return Object.fromEntries(Object.entries(names).map(([id, name]) => [id, new OtlpAttributeKey(name)])) as { [Name in keyof Names]: OtlpAttributeKey };
}

/** `"name":` of a JSON object, escaped as it reads inside a JSON string (`\"input\":`). */
const escapedFieldName = boundedMemo((name: string) => JSON.stringify(`${JSON.stringify(name)}:`).slice(1, -1));

export class OtlpSpanJsonWriter implements OtlpSpanSink<string> {
  /** Each attribute's text, joined once at the end (one flat string, no chain of concatenations to flatten). */
  readonly #attributes: string[] = [];

  stringAttribute(key: OtlpAttributeKey, value: string): void {
    this.#attributes.push(`${key.stringValueOpen}${jsonString(value)}}}`);
  }

  recurringStringAttribute(key: OtlpAttributeKey, value: string): void {
    this.#attributes.push(key.recurringStringAttribute(value));
  }

  stringArrayAttribute(key: OtlpAttributeKey, values: readonly string[]): void {
    let list = '';
    for (const value of values) list += `${list === '' ? '' : ','}{"stringValue":${jsonString(value)}}`;
    this.#attributes.push(`${key.arrayValueOpen}${list}]}}}`);
  }

  numbersAttribute(key: OtlpAttributeKey, numbers: Readonly<Record<string, number | undefined>>): void {
    // Written as it reads inside the string value: `{\"input\":808,\"total\":1019}`; numbers need no escaping.
    let fields = '';
    for (const name in numbers) {
      const value = numbers[name];
      if (value === undefined) continue;
      fields += `${fields === '' ? '' : ','}${escapedFieldName(name)}${Number.isFinite(value) ? value : 'null'}`;
    }
    this.#attributes.push(`${key.stringValueOpen}"{${fields}}"}}`);
  }

  span(head: OtlpSpanHead, status: OtlpStatus): string {
    const statusJson = status.message === undefined ? `{"code":${status.code}}` : `{"code":${status.code},"message":${jsonString(status.message)}}`;
    const open =
      `{"traceId":${jsonString(head.traceId)},"spanId":${jsonString(head.spanId)},"name":${jsonString(head.name)},` +
      `"kind":${head.kind},"startTimeUnixNano":${jsonString(head.startTimeUnixNano)},"endTimeUnixNano":${jsonString(head.endTimeUnixNano)},` +
      `"attributes":[`;
    // One join: the head in front, the status behind, the attributes between them comma-separated.
    const attributes = this.#attributes;
    if (attributes.length === 0) return `${open}],"status":${statusJson}}`;
    attributes[0] = open + attributes[0];
    attributes[attributes.length - 1] += `],"status":${statusJson}}`;
    return attributes.join(',');
  }
}
