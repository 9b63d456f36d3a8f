/**
 * The contract every request body to Langfuse must meet: valid OTLP/HTTP JSON (the opentelemetry-proto JSON
 * mapping: lower-case hex ids of 32/16 characters, Unix-nanosecond times as decimal strings, enums as integers,
 * AnyValue with exactly one value field, 64-bit integers as strings) using only the attribute names Langfuse
 * documents, with the value types it documents.
 */
import Ajv from 'ajv';
import {
  isDocumentedAttribute,
  OBSERVATION_ATTRIBUTES,
  OBSERVATION_LEVELS,
  RESOURCE_ATTRIBUTE_NAMES,
  TRACE_ATTRIBUTES,
} from '../../../lambda/langfuse/langfuse-attributes';
import type { OtlpExportRequest } from '../../../lambda/langfuse/otlp';
import { attributesOf, spansOf } from './otlp-reading';

const anyValue = {
  $id: 'AnyValue',
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    stringValue: { type: 'string' },
    intValue: { type: 'string', pattern: '^-?\\d{1,19}$' },
    doubleValue: { type: 'number' },
    boolValue: { type: 'boolean' },
    arrayValue: {
      type: 'object',
      additionalProperties: false,
      required: ['values'],
      properties: { values: { type: 'array', items: { $ref: 'AnyValue' } } },
    },
  },
};

const keyValues = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'value'],
    properties: { key: { type: 'string', minLength: 1 }, value: { $ref: 'AnyValue' } },
  },
};

const exportTraceServiceRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['resourceSpans'],
  properties: {
    resourceSpans: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['resource', 'scopeSpans'],
        properties: {
          resource: { type: 'object', additionalProperties: false, required: ['attributes'], properties: { attributes: keyValues } },
          scopeSpans: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['scope', 'spans'],
              properties: {
                scope: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['name'],
                  properties: { name: { type: 'string', minLength: 1 }, version: { type: 'string' } },
                },
                spans: {
                  type: 'array',
                  minItems: 1,
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['traceId', 'spanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'status'],
                    properties: {
                      traceId: { type: 'string', pattern: '^(?!0{32})[0-9a-f]{32}$' },
                      spanId: { type: 'string', pattern: '^(?!0{16})[0-9a-f]{16}$' },
                      parentSpanId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
                      name: { type: 'string', minLength: 1 },
                      kind: { type: 'integer', minimum: 0, maximum: 5 },
                      startTimeUnixNano: { type: 'string', pattern: '^[1-9]\\d{0,19}$' },
                      endTimeUnixNano: { type: 'string', pattern: '^[1-9]\\d{0,19}$' },
                      attributes: keyValues,
                      status: {
                        type: 'object',
                        additionalProperties: false,
                        required: ['code'],
                        properties: { code: { enum: [0, 1, 2] }, message: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(anyValue);
const validateShape = ajv.compile<OtlpExportRequest>(exportTraceServiceRequest);

/** Langfuse attributes whose documented value is a JSON string of an object of numbers. */
const NUMERIC_JSON_ATTRIBUTES: readonly string[] = [OBSERVATION_ATTRIBUTES.usageDetails, OBSERVATION_ATTRIBUTES.costDetails];

/** Returns every violation of the contract in a parsed request body (empty when it is met). */
export function otlpContractViolations(body: unknown): string[] {
  if (!validateShape(body)) return (validateShape.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  const problems: string[] = [];
  for (const resource of body.resourceSpans) {
    for (const { key } of resource.resource.attributes) {
      if (!RESOURCE_ATTRIBUTE_NAMES.includes(key)) problems.push(`resource attribute ${key} is not one the forwarder documents`);
    }
  }
  for (const span of spansOf(body)) {
    const where = `span ${span.spanId}`;
    if (BigInt(span.endTimeUnixNano) < BigInt(span.startTimeUnixNano)) problems.push(`${where} ends before it starts`);
    const keys = span.attributes.map((attribute) => attribute.key);
    if (new Set(keys).size !== keys.length) problems.push(`${where} repeats an attribute key`);
    for (const key of keys) if (!isDocumentedAttribute(key)) problems.push(`${where}: ${key} is not a documented Langfuse attribute`);
    const attributes = attributesOf(span);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === TRACE_ATTRIBUTES.tags) {
        if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'string')) problems.push(`${where}: tags must be string[]`);
      } else if (typeof value !== 'string') {
        problems.push(`${where}: ${key} must be a string`);
      }
    }
    if (attributes[OBSERVATION_ATTRIBUTES.type] !== 'generation') problems.push(`${where} is not a generation`);
    const level = attributes[OBSERVATION_ATTRIBUTES.level];
    if (!(OBSERVATION_LEVELS as readonly unknown[]).includes(level)) problems.push(`${where}: level ${String(level)}`);
    for (const key of NUMERIC_JSON_ATTRIBUTES) {
      if (attributes[key] === undefined) continue;
      const parsed = parseJson(attributes[key]);
      if (parsed === undefined || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed as object).every((v) => typeof v === 'number' && v >= 0)) {
        problems.push(`${where}: ${key} is not a JSON object of non-negative numbers`);
      }
    }
    const parameters = attributes[OBSERVATION_ATTRIBUTES.modelParameters];
    if (parameters !== undefined && !isJsonObject(parseJson(parameters))) problems.push(`${where}: model parameters are not a JSON object`);
    const completionStart = attributes[OBSERVATION_ATTRIBUTES.completionStartTime];
    if (completionStart !== undefined && Number.isNaN(Date.parse(String(completionStart)))) problems.push(`${where}: completion start is not ISO 8601`);
    if (span.status.code === 2 && attributes[OBSERVATION_ATTRIBUTES.level] !== 'ERROR') problems.push(`${where}: error status without level ERROR`);
  }
  return problems;
}

function parseJson(value: unknown): unknown {
  try {
    return JSON.parse(String(value));
  } catch {
    return undefined;
  }
}

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
