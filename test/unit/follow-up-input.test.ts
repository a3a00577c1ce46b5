import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RECORDING_NOTICE, MeetingInputSchema, recordingNoticeText } from '../../src/contracts';

const base = { meetingUrl: 'https://us02web.zoom.us/j/81234567890', roomCount: 2 };

function issuePath(input: unknown): string | undefined {
  const parsed = MeetingInputSchema.safeParse(input);
  return parsed.success ? undefined : parsed.error.issues[0]?.path.join('.');
}

test('the recording notice is on by default with the default text; it can be reworded or turned off', () => {
  const parse = (extra: object) => MeetingInputSchema.parse({ ...base, ...extra });
  assert.equal(recordingNoticeText(parse({})), DEFAULT_RECORDING_NOTICE);
  assert.equal(recordingNoticeText(parse({ recordingNotice: { text: '  Recorded.  ' } })), 'Recorded.');
  assert.equal(recordingNoticeText(parse({ recordingNotice: { enabled: false, text: 'x' } })), undefined);
  assert.equal(issuePath({ ...base, recordingNotice: { text: 'x'.repeat(4097) } }), 'recordingNotice.text');
  assert.equal(issuePath({ ...base, recordingNotice: { text: '   ' } }), 'recordingNotice.text');
});

test('notify takes a URL, a secret name and rooms; never a secret', () => {
  assert.equal(
    issuePath({ ...base, notify: { url: 'https://example.com/hook', secretName: 'acme', rooms: true } }),
    undefined,
  );
  assert.equal(issuePath({ ...base, notify: { url: 'ftp://example.com/hook' } }), 'notify.url');
  assert.equal(issuePath({ ...base, notify: { url: 'https://example.com', secretName: 'a b' } }), 'notify.secretName');
  assert.equal(issuePath({ ...base, notify: { url: 'https://example.com', secret: 'whsec_x' } }), 'notify');
});

test('retentionDays is zero or more days, at most ten years', () => {
  assert.equal(issuePath({ ...base, retentionDays: 0 }), undefined);
  assert.equal(issuePath({ ...base, retentionDays: 30.5 }), undefined);
  assert.equal(issuePath({ ...base, retentionDays: -1 }), 'retentionDays');
  assert.equal(issuePath({ ...base, retentionDays: 3651 }), 'retentionDays');
});
