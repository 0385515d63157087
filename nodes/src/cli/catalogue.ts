#!/usr/bin/env node
// `npm run catalogue [-- --json] [--plugin <module>…]`: lists every node and trigger type.
import { catalogueCommand } from './catalogue-command.ts';

process.exitCode = await catalogueCommand(process.argv.slice(2));
