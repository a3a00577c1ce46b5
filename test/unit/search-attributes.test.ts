import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TypedSearchAttributes } from '@temporalio/common';
import { searchAttributeKeys } from '../../src/contracts/search-attributes';

const expected = searchAttributeKeys.map((k) => `${k.name}=${TypedSearchAttributes.toMetadataType(k.type)}`).sort();

test('the production registration script lists exactly the attributes the code uses', () => {
  const script = readFileSync(join(__dirname, '../../scripts/search-attributes.sh'), 'utf8');
  const block = /attributes=\(\n([\s\S]*?)\n\)/.exec(script)?.[1] ?? '';
  assert.deepEqual(
    block
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort(),
    expected,
  );
});

test('the attributes fit the dev server SQLite visibility budget (10 Keyword, 3 Int, 3 Text)', () => {
  const count = (type: string) => searchAttributeKeys.filter((k) => k.type === type).length;
  assert.ok(count('KEYWORD') <= 10);
  assert.ok(count('INT') <= 3);
  assert.ok(count('TEXT') <= 3);
});
