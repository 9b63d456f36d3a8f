import { ResolvedEnvironment } from '../config/resolve';
import { LANGFUSE_ENV } from '../../lambda/langfuse/config';
import { langfuseFilterPatternFor } from './filter-patterns';
import { forwarderCode } from './forwarder-code';
import { ForwarderSpec, sharedForwarderEnvironment } from './forwarder-spec';

/**
 * Langfuse does not deduplicate spans, and a crashed invocation may have delivered part of its batch: a re-run
 * would send those spans twice. So no automatic retry: the crashed event goes straight to the DLQ (on-failure
 * destination), with the error, for an operator to replay knowingly.
 */
export const LANGFUSE_ASYNC_RETRY_ATTEMPTS = 0;

/**
 * The Langfuse forwarder of an environment, or undefined without both the public key and the secret key's
 * ciphertext (then every `llm` group says `LangfuseSync=pending`). Fed by every `llm` group, all events.
 */
export function langfuseForwarderSpec(environment: ResolvedEnvironment): ForwarderSpec | undefined {
  const langfuse = environment.langfuse;
  if (!langfuse) return undefined;
  return {
    destination: 'langfuse',
    code: forwarderCode('langfuse'),
    sizing: langfuse,
    environmentVariables: {
      ...sharedForwarderEnvironment(environment),
      [LANGFUSE_ENV.environment]: environment.name,
      [LANGFUSE_ENV.baseUrl]: langfuse.baseUrl,
      [LANGFUSE_ENV.publicKey]: langfuse.publicKey,
      [LANGFUSE_ENV.contentPolicy]: langfuse.contentPolicy,
      ...(langfuse.release ? { [LANGFUSE_ENV.release]: langfuse.release } : {}),
    },
    secrets: [{ purpose: 'langfuse-secret-key', ciphertextBase64: langfuse.secretKeyCiphertext }],
    retryAttempts: LANGFUSE_ASYNC_RETRY_ATTEMPTS,
    syncOf: (group) => group.langfuse,
    filterPatternFor: langfuseFilterPatternFor,
  };
}
