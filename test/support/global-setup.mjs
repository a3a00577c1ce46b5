// Node's test runner loads its global setup natively, before tsx's hooks reach it: register tsx's
// CommonJS hook here, then load the TypeScript implementation.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
const { startTestServer, stopTestServer } = createRequire(import.meta.url)('./temporal-server.ts');

export const globalSetup = startTestServer;
export const globalTeardown = stopTestServer;
