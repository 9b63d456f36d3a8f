import type { Platform } from '../detected-error';

/**
 * Which frames are the user's code. Sentry shows and groups by in-app frames, so library and runtime frames are
 * marked out: node_modules and node internals, site-packages and the Lambda runtime, JDK and common framework
 * packages, the Go runtime and module cache.
 */
const NOT_IN_APP: Readonly<Record<Platform, RegExp>> = {
  node: /node_modules|^node:|^internal\/|\/var\/runtime\/|^native$|<anonymous>/,
  python: /site-packages|dist-packages|\/var\/runtime\/|\/var\/lang\/lib\/|^<frozen |\/lib\/python\d/,
  java: /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|org\.springframework|org\.apache|org\.hibernate|io\.netty|reactor|software\.amazon|com\.amazonaws|com\.fasterxml|lambdainternal|org\.junit)\./,
  go: /^runtime\.|^\/usr\/local\/go\/|\/go\/pkg\/mod\/|github\.com\/aws\/aws-lambda-go|^reflect\.|^net\/http\./,
  other: /^$/,
};

const FILE_SCHEME = /^file:\/\//;
const APP_ROOT = /^\/(?:var\/task|app|usr\/src\/app|opt\/app|workspace)\//;

export function isInApp(platform: Platform, ...locations: Array<string | undefined>): boolean {
  return !locations.some((location) => location !== undefined && NOT_IN_APP[platform].test(location));
}

/** A path made short and stable: no `file://`, no Lambda task root or container work dir. */
export function shortPath(path: string): string {
  return path.replace(FILE_SCHEME, '').replace(APP_ROOT, '');
}
