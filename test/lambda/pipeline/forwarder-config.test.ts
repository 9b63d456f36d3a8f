import { decompressedBytesLimit } from '../../../lambda/pipeline/decode';
import { readForwarderConfig } from '../../../lambda/pipeline/forwarder-config';

describe('readForwarderConfig: the largest batch follows the function memory Lambda reports', () => {
  const read = (memory: string | undefined) => readForwarderConfig(memory === undefined ? {} : { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory }, { environment: ['LOGS_ENVIRONMENT'] });

  test('256 MiB reads batches up to 8 MiB, 1024 MiB up to 32 MiB', () => {
    expect(read('256').maxDecompressedBytes).toBe(8 * 1024 * 1024);
    expect(read('1024').maxDecompressedBytes).toBe(32 * 1024 * 1024);
  });

  test.each([undefined, ''])('outside Lambda (%p) the gzip-bomb guard applies', (value) => {
    expect(read(value)).toMatchObject({ maxDecompressedBytes: decompressedBytesLimit(undefined), warnings: [] });
  });

  test.each(['256MB', '256.5', '-1'])('a value Lambda would never set (%p) warns and errs low, as 128 MiB', (value) => {
    const config = read(value);
    expect(config.maxDecompressedBytes).toBe(decompressedBytesLimit(128));
    expect(config.warnings).toEqual([expect.stringContaining('AWS_LAMBDA_FUNCTION_MEMORY_SIZE')]);
  });
});
