export { PrismaContactDirectory } from './contact-directory.ts';
export { createFlowStatusSync, type FlowStatusSync } from './flow-status-sync.ts';
