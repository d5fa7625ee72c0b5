/**
 * The triage answer as the Microsoft 365 Agents Playground draws it, for docs/cards (npm run render-cards).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { createServer } from '../../src/server';
import { createTriage } from '../../src/triage';
import { freePort, playgroundConfig, sendUserMessage, startPlayground } from '../../test/support/playground/playground';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The triage answer as the Agents Playground's own web UI draws it (its bundled card renderer, its
 * narrower chat column), with the bot server in this process. The playground stamps messages with the
 * wall clock, so unlike the card pictures this one differs from run to run.
 */
export async function shootPlayground(browser: Browser, outDir: string, now: Date): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-triage-render-'));
  const config = loadConfig({ NODE_ENV: 'development', STATE_DIR: path.join(tmp, 'state') });
  const { triage } = createTriage(config, { now: now });
  const silent = { info() {}, warn() {}, error() {} };
  const bot = createServer({ config, triage, logger: silent, now: () => now });
  const { port: botPort } = await bot.listen(0, '127.0.0.1');
  try {
    const pg = await startPlayground({
      botEndpoint: `http://127.0.0.1:${botPort}/api/messages`,
      port: await freePort(),
      logFile: path.join(tmp, 'playground.log'),
    });
    try {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 2600 },
        deviceScaleFactor: 1,
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      // Its page asks a CDN for Segoe UI and an animation script: refused, it falls back to local fonts.
      await context.route('**/*', (route) =>
        LOOPBACK.has(new URL(route.request().url()).hostname) ? route.continue() : route.abort(),
      );
      const page = await context.newPage();
      await page.goto(pg.uiUrl, { waitUntil: 'load' });
      await page.getByText('Personal Chat').first().waitFor({ timeout: 30_000 });
      const { personalChatId, currentUserId } = await playgroundConfig(pg.baseUrl);
      await sendUserMessage(pg.baseUrl, personalChatId, currentUserId, 'triage last 15m');
      // The running card is replaced in place; wait for the answer's footer, the last thing it draws.
      await page.getByText('Asked by', { exact: false }).last().waitFor({ timeout: 60_000 });
      const file = path.join(outDir, 'playground-triage.png');
      // The answer's bubble with its sender line, not the whole (mostly empty) window.
      const box = await page.locator('.ac-adaptiveCard').last().boundingBox();
      const clip = box
        ? { x: Math.max(0, box.x - 48), y: Math.max(0, box.y - 40), width: box.width + 96, height: box.height + 64 }
        : undefined;
      await page.screenshot({ path: file, clip, animations: 'disabled', caret: 'hide' });
      await context.close();
      return file;
    } finally {
      await pg.stop();
    }
  } finally {
    await bot.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
