#!/usr/bin/env node
'use strict';
// Plain JavaScript so `npx breakout` runs without a build: the compiled CLI when `npm run build`
// made one and it is newer than the sources, else the TypeScript sources through tsx's CommonJS
// hook. The Node version is checked before anything else loads (see scripts/node-version.ts).
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, 'dist', 'src', 'cli', 'main.js');
const SOURCE_DIRS = ['src', 'workflows', 'activities', 'workers', 'scripts'];

/** The newest modification time of the TypeScript sources, 0 when they are not here (an installed build). */
function newestSourceMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function useBuild() {
  if (!existsSync(built)) return false;
  const sources = Math.max(...SOURCE_DIRS.map((dir) => newestSourceMtime(join(root, dir))));
  if (sources <= statSync(built).mtimeMs) return true;
  // A stale build would run yesterday's code silently: run the sources, and tell a person at a
  // terminal (scripts read stderr as the CLI's JSON errors, so they get the right code and no note).
  if (process.stderr.isTTY) {
    process.stderr.write(
      'breakout: dist/ is older than the sources; running the sources (npm run build refreshes it)\n',
    );
  }
  return false;
}

if (useBuild()) {
  require(join(root, 'dist', 'scripts', 'node-version.js'));
  require(built).main();
} else {
  require('tsx/cjs');
  require('../scripts/node-version.ts');
  require('../src/cli/main.ts').main();
}
