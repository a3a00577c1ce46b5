/**
 * Media downloads refuse what an SSRF would need: plain http, and private, loopback or link-local
 * addresses, whether written as an address or behind a name. Only a loopback Recall base URL's own
 * origin (the emulator) is fetched as is, and redirects are never followed.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RecallApiError, RecallClient } from '../../src/recall';
import { isPublicAddress } from '../../src/recall/download';

let server: Server;
let origin: string;
const hits: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.startsWith('/redirect')) {
      res.writeHead(302, { location: 'https://example.com/elsewhere' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'video/mp4' }).end('media');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function refused(client: RecallClient, url: string): Promise<RecallApiError> {
  try {
    const download = await client.download(url, { maxBytes: 1024 });
    download.body.destroy();
  } catch (error) {
    assert.ok(error instanceof RecallApiError, String(error));
    assert.equal(error.code, 'download_refused', `${url}: ${error.message}`);
    assert.equal(error.retryable, false);
    return error;
  }
  assert.fail(`${url} was fetched`);
}

void describe('media download SSRF guard', () => {
  void it('refuses plain http, and private, loopback and link-local addresses written as addresses', async () => {
    const client = new RecallClient({ apiKey: 'k', region: 'us-west-2' });
    try {
      for (const url of [
        'http://example.com/video.mp4',
        `${origin}/video.mp4`,
        'https://127.0.0.1/video.mp4',
        'https://10.1.2.3/video.mp4',
        'https://172.20.0.1/video.mp4',
        'https://192.168.1.1/video.mp4',
        'https://169.254.169.254/latest/meta-data/',
        'https://[::1]/video.mp4',
        'https://[::ffff:127.0.0.1]/video.mp4',
        'https://[fd00::1]/video.mp4',
        'https://[fe80::1]/video.mp4',
        'file:///etc/passwd',
      ]) {
        await refused(client, url);
      }
    } finally {
      await client.close();
    }
    assert.deepEqual(hits, [], 'nothing reached the loopback server');
  });

  void it('refuses a name that resolves to a loopback address, checked where it is resolved', async () => {
    const client = new RecallClient({ apiKey: 'k', region: 'us-west-2' });
    try {
      const error = await refused(client, 'https://localhost:1/video.mp4');
      assert.match(error.message, /non-public address/);
    } finally {
      await client.close();
    }
  });

  void it('fetches from a loopback base URL’s own origin (the emulator), and from no other loopback origin', async () => {
    const client = new RecallClient({ apiKey: 'k', baseUrl: origin });
    try {
      const download = await client.download(`${origin}/video.mp4?X-Amz-Signature=s`, { maxBytes: 1024 });
      download.body.resume();
      await refused(client, `http://127.0.0.1:1/video.mp4`);
      await refused(client, origin.replace('127.0.0.1', 'localhost') + '/video.mp4');
    } finally {
      await client.close();
    }
  });

  void it('does not follow redirects', async () => {
    const client = new RecallClient({ apiKey: 'k', baseUrl: origin });
    try {
      await assert.rejects(client.download(`${origin}/redirect`, { maxBytes: 1024 }), RecallApiError);
      assert.equal(hits.filter((h) => h.startsWith('/redirect')).length, 1);
    } finally {
      await client.close();
    }
  });

  void it('classifies addresses', () => {
    for (const address of ['8.8.8.8', '2606:4700:4700::1111', '52.94.236.248'])
      assert.equal(isPublicAddress(address), true);
    for (const address of ['127.0.0.1', '10.0.0.1', '100.64.0.1', '::1', '::ffff:10.0.0.1', 'fe80::1', 'not-an-ip']) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });
});
