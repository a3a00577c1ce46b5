#!/usr/bin/env node
'use strict';
// Plain JavaScript so `npx breakout` runs without a build: the compiled CLI when `npm run build`
// made one, else the TypeScript sources through tsx's CommonJS hook.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(built)) require('tsx/cjs');
require(existsSync(built) ? built : '../src/cli/main.ts').main();
