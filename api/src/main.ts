// `npm start` (via the api workspace): `omniflow start` with PORT / OMNIFLOW_DATA_DIR from the environment.
import { runCli } from './cli/main.ts';

const code = await runCli(['start', ...process.argv.slice(2)]);
if (code !== 0) process.exitCode = code;
