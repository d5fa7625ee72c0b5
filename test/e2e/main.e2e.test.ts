/** `npm start`'s entry point: main() with settings from an env object. */
import * as net from 'node:net';
import { main, type RunningServer } from '../../src/server';
import { silentLogger } from '../../src/bot/ports';

jest.setTimeout(120_000);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('NODE_ENV=production without MicrosoftAppId: exit code 1 with a clear message, no server', async () => {
  const errors: string[] = [];
  const stderr = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => (errors.push(Buffer.from(chunk).toString('utf8')), true));
  try {
    expect(await main({ NODE_ENV: 'production' }, silentLogger)).toBe(1);
  } finally {
    stderr.mockRestore();
  }
  expect(errors.join('')).toMatch(/MicrosoftAppId.*required when NODE_ENV=production/);
});

test('with the demo workspace: serves /healthz on PORT', async () => {
  const port = await freePort();
  const app = (await main({ PORT: String(port), DEMO_HOURS: '1' }, silentLogger)) as RunningServer;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await res.json()).toMatchObject({ status: 'ok', logSource: 'embedded', authenticated: false });
  } finally {
    await app.close();
  }
});
