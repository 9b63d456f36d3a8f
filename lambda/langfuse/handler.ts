/**
 * Langfuse forwarder Lambda: LLM-call log lines from the `llm` log groups become Langfuse generations, sent as
 * OTLP/HTTP JSON spans to `{LANGFUSE_BASE_URL}/api/public/otel/v1/traces`.
 *
 * Environment (default in brackets):
 *   LANGFUSE_BASE_URL               Langfuse host [https://cloud.langfuse.com]; https, or http to localhost only
 *   LANGFUSE_PUBLIC_KEY             public key, pk-lf-… [none: every span is parked until it is set]
 *   LANGFUSE_SECRET_KEY_CIPHERTEXT  secret key as base64 KMS ciphertext, encryption context purpose=langfuse-secret-key
 *   LANGFUSE_SECRET_KEY             plain secret key; overrides the ciphertext (local runs and tests only)
 *   LANGFUSE_CONTENT_POLICY         full | redacted | hash | none [redacted]; an unknown value means none
 *   LANGFUSE_ENVIRONMENT            Langfuse environment [LOGS_ENVIRONMENT, else "unknown"]
 *   LANGFUSE_RELEASE                release for calls whose log names none [none]
 *   LLM_PRICE_OVERRIDES             {"<model id>": {"input": n, "output": n, "cachedInput"?: n, "cacheWrite"?: n}},
 *                                   USD per million tokens, ahead of lib/config/llm-prices.ts [none]
 *   LOGS_ENVIRONMENT                the logs environment (dev, prod)
 *   RETRY_QUEUE_URL                 SQS retry queue that undelivered spans are parked in [none: parking fails]
 *   DEAD_LETTER_QUEUE_URL           dead-letter queue; a span Langfuse still refuses alone goes there at once [none:
 *                                   it goes round the retry queue until its maxReceiveCount]
 *   RETRY_MAX_RECEIVES              the retry queue's maxReceiveCount [5]
 *   DELIVERY_CONCURRENCY            export requests in flight [8, at most 32]
 *   REDACT_EXTRA_PATTERNS           JSON array of extra regular expressions to redact [none]
 *   LOG_LEVEL                       DEBUG | INFO | WARN | ERROR [INFO]
 */
import { createLangfuseHandler } from './langfuse-handler';

export const handler = createLangfuseHandler(process.env);
