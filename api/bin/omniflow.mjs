#!/usr/bin/env node
// The `omniflow` command. The packages ship TypeScript source, so tsx compiles it on the fly.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
const code = await runCli(process.argv.slice(2));
// `start` keeps running its server; every other command ends here.
if (process.argv[2] !== 'start' || code !== 0) process.exitCode = code;
