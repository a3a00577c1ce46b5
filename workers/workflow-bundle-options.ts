import type { BundleOptions } from '@temporalio/worker';

/**
 * How the workflow bundle is built, the same everywhere: the production bundle
 * (scripts/build-workflow-bundle.ts), the bench's, and a worker that bundles at start.
 *
 * With the SDK's reusable V8 context, every module a workflow loads is instantiated again for each
 * cached workflow; modules preloaded here are instantiated once and shared. The contracts build zod
 * schemas at load, which made each cached room cost about 1.3 MB in the workflow thread's heap
 * (0.69 GiB used at 500 rooms; README, "Performance"). They hold no per-workflow state (schemas,
 * signal and query definitions, constants), so one copy serves every workflow.
 */
export const workflowBundleOptions: Pick<BundleOptions, 'preloadModules'> = {
  preloadModules: [require.resolve('../src/contracts')],
};
