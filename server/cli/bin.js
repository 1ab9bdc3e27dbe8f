#!/usr/bin/env node
// The installed `sievewright` command: runs the TypeScript CLI through tsx so
// `npx sievewright ...` works straight after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
