#!/usr/bin/env node
// `npx logs-cli` entry: registers tsx's TypeScript loader (a dev dependency of this repository) and runs the CLI
// from source, so there is no build step to forget.
require('tsx/cjs');
require('./logs-cli.ts');
