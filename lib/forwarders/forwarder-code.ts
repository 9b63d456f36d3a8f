import * as path from 'path';
import { ForwarderDestination } from './forwarder-names';
import { ForwarderCode } from './log-forwarder';

const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda');

export function forwarderCode(destination: ForwarderDestination): ForwarderCode {
  return { entry: path.join(LAMBDA_DIR, destination, 'handler.ts'), handler: 'handler' };
}
