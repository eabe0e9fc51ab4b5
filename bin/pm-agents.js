#!/usr/bin/env node
// Entry point of the `pm-agents` CLI: runs the TypeScript sources directly through tsx, so `npm ci` is the only step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
