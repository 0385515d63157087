// `npm run check:temporal`: bundles the run workflow with bundleWorkflowCode and fails on any problem.
import { bundleRunWorkflow } from './bundle.ts';

try {
  const report = await bundleRunWorkflow();
  for (const w of report.warnings) console.warn(`warning: ${w}`);
  if (report.warnings.length) {
    console.error(`check:temporal: the workflow bundle has ${report.warnings.length} warning(s)`);
    process.exit(1);
  }
  console.log(`check:temporal: workflow bundle OK (${(report.bytes / 1024).toFixed(0)} KiB in ${report.ms} ms)`);
} catch (e) {
  console.error('check:temporal: the workflow code does not bundle for the Temporal sandbox');
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
