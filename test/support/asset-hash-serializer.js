// Masks asset hashes (S3 keys of bundled Lambda code) in snapshots, so a snapshot changes only when the
// infrastructure does, not when a handler's source changes.
const HASH = /[0-9a-f]{64}(\.zip|\.json)?/g;
module.exports = {
  test: (value) => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value) => JSON.stringify(value.replace(HASH, (_m, ext) => `[ASSET-HASH]${ext ?? ''}`)),
};
