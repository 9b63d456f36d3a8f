/**
 * One span written straight as OTLP/JSON text: the same text JSON.stringify gives for the `OtlpSpan` object
 * (`OtlpSpanBuilder`), without building that object tree first. The JSON around each value is a constant fragment
 * per attribute key, and an attribute whose value recurs from span to span (environment, model, log stream…) is
 * remembered whole.
 */
import { boundedMemo } from '../pipeline/bounded-memo';
import type { OtlpSpanHead, OtlpSpanSink, OtlpStatus } from './otlp';

/** What JSON.stringify escapes in a string: quote, backslash, control characters and (lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON text: most values (ids, names, numbers) need no escaping and are quoted as they are. */
export function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * `{"key":"<key>","value":{"stringValue":` per key: the mapper's constant keys and the metadata keys services log.
 * Remembered text is joined rather than concatenated: a flat string copies fastest into every span's text.
 */
const stringValueOpen = boundedMemo((key: string) => ['{"key":', jsonString(key), ',"value":{"stringValue":'].join(''));
const arrayValueOpen = boundedMemo((key: string) => ['{"key":', jsonString(key), ',"value":{"arrayValue":{"values":['].join(''));

/** Distinct values remembered per recurring key; past it a value is written afresh each time. */
const MAX_RECURRING_VALUES = 256;
const recurringAttribute = boundedMemo((key: string) =>
  boundedMemo((value: string) => [stringValueOpen(key), jsonString(value), '}}'].join(''), MAX_RECURRING_VALUES),
);

function stringAttributeJson(key: string, value: string): string {
  return `${stringValueOpen(key)}${jsonString(value)}}}`;
}

/** `"name":` of a JSON object, escaped as it reads inside a JSON string (`\"input\":`). */
const escapedFieldName = boundedMemo((name: string) => JSON.stringify(`${JSON.stringify(name)}:`).slice(1, -1));

export class OtlpSpanJsonWriter implements OtlpSpanSink<string> {
  /** Each attribute's text, joined once at the end (one flat string, no chain of concatenations to flatten). */
  readonly #attributes: string[] = [];

  stringAttribute(key: string, value: string): void {
    this.#attributes.push(stringAttributeJson(key, value));
  }

  recurringStringAttribute(key: string, value: string): void {
    this.#attributes.push(recurringAttribute(key)(value));
  }

  stringArrayAttribute(key: string, values: readonly string[]): void {
    let list = '';
    for (const value of values) list += `${list === '' ? '' : ','}{"stringValue":${jsonString(value)}}`;
    this.#attributes.push(`${arrayValueOpen(key)}${list}]}}}`);
  }

  numbersAttribute(key: string, numbers: Readonly<Record<string, number | undefined>>): void {
    // Written as it reads inside the string value: `{\"input\":808,\"total\":1019}`; numbers need no escaping.
    let fields = '';
    for (const name in numbers) {
      const value = numbers[name];
      if (value === undefined) continue;
      fields += `${fields === '' ? '' : ','}${escapedFieldName(name)}${Number.isFinite(value) ? value : 'null'}`;
    }
    this.#attributes.push(`${stringValueOpen(key)}"{${fields}}"}}`);
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
