#!/usr/bin/env node
import { runCli } from '../lib/cli/main';

/** `logs-cli` (npm run logs -- …, npx logs-cli …): wires the real process to the CLI; the logic is in lib/cli. */
const interrupted = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\nlogs-cli: stopping…\n');
  interrupted.abort();
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signal: interrupted.signal }).then(
  (code) => {
    process.exitCode = code;
  },
);
