#!/usr/bin/env node
// csebatch command-line entry point: loads the TypeScript sources through tsx (no build step, no stale output).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv);
