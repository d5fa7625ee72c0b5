import { readFileSync } from 'node:fs';

import { join } from 'node:path';
import {
  ICON_SIZES,
  PackageError,
  bundledSchemaVersions,
  checkIcon,
  checkPackageRules,
  fillTemplate,
  resolvePlaceholders,
  validateAgainstBundledSchema,
  type TeamsManifest,
} from '../../scripts/lib/appPackage';
import { drawColorIcon, drawOutlineIcon } from '../../scripts/lib/icons';
import { decodePng, encodePng, readPngInfo } from '../../scripts/lib/png';

const MANIFEST_DIR = join(__dirname, '..', '..', 'manifest');
const TEMPLATE = readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
const APP_ID = '0b7e0a53-4c1e-4f7a-9d5e-2f1c3a4b5c6d';
const VALUES = resolvePlaceholders({ appId: APP_ID, botDomain: 'apim-triage-demo.azurewebsites.net' }, '0.1.0');
const filled = (): TeamsManifest => fillTemplate(TEMPLATE, VALUES);

describe('manifest template', () => {
  it('uses a bundled schema version of at least 1.29, and names that schema in $schema', () => {
    const m = filled();
    expect(bundledSchemaVersions()).toContain(m.manifestVersion);
    const [major, minor] = m.manifestVersion.split('.').map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(129);
    expect(m.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${m.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('validates against the bundled schema with zero errors once filled in', async () => {
    expect(await validateAgainstBundledSchema(filled())).toEqual([]);
  });

  it('does not validate with its placeholders still in (the GUID fields are checked)', async () => {
    const raw = JSON.parse(TEMPLATE) as TeamsManifest;
    const errors = await validateAgainstBundledSchema(raw);
    expect(errors.some((e) => e.startsWith('/id ') && /pattern/.test(e))).toBe(true);
    expect(errors.some((e) => e.startsWith('/bots/0/botId '))).toBe(true);
  });

  it('fills app id, bot id, domain and version from the placeholders', () => {
    const m = filled();
    expect(m.id).toBe(APP_ID);
    expect(m.bots?.[0].botId).toBe(APP_ID);
    expect(m.version).toBe('0.1.0');
    expect(m.validDomains).toEqual(['apim-triage-demo.azurewebsites.net', 'token.botframework.com']);
    expect((m.developer as { websiteUrl: string }).websiteUrl).toBe('https://apim-triage-demo.azurewebsites.net/');
    expect((m.name as { short: string }).short).toBe('APIM Triage');
    expect(TEMPLATE).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i); // no hard-coded ids
  });

  it('installs the bot in team, groupChat and personal scopes with the main commands listed', () => {
    const bot = filled().bots![0];
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    const lists = bot.commandLists!;
    expect(lists.length).toBeLessThanOrEqual(3);
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
    const titles = lists[0].commands.map((c) => c.title);
    expect(titles).toEqual([
      'triage last 15m',
      'why 401 on orders-api',
      'tls',
      '401s',
      'breakers',
      'breaker shipping-backend',
      'apis',
      'pin triage last 15m every 5m',
      'unpin',
      'help',
    ]);
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(12);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(128);
        expect((c.description ?? '').length).toBeGreaterThan(10);
        expect((c.description ?? '').length).toBeLessThanOrEqual(4000);
      }
    }
  });

  it('schema validation is real: 13 commands or an unknown scope are reported', async () => {
    const m = filled();
    const list = m.bots![0].commandLists![0];
    list.commands = [...list.commands, ...list.commands.slice(0, 3).map((c) => ({ ...c, title: c.title + ' x' }))];
    m.bots![0].scopes = ['team', 'channel'];
    const errors = await validateAgainstBundledSchema(m);
    expect(errors.some((e) => /commands must NOT have more than 12 items/.test(e))).toBe(true);
    expect(errors.some((e) => /\/bots\/0\/scopes\/1 must be equal to one of the allowed values/.test(e))).toBe(true);
  });
});

describe('placeholder values', () => {
  it('lists every problem at once, with what would work', () => {
    let err: PackageError | undefined;
    try {
      resolvePlaceholders({ appId: 'not-a-guid', version: '1.x' }, '0.1.0');
    } catch (e) {
      err = e as PackageError;
    }
    expect(err).toBeInstanceOf(PackageError);
    expect(err!.problems).toHaveLength(3);
    expect(err!.problems[0]).toMatch(/must be a GUID/);
    expect(err!.problems[1]).toMatch(/Set BOT_DOMAIN or pass --bot-domain/);
    expect(err!.problems[2]).toMatch(/semver/);
  });

  it('asks for MicrosoftAppId when nothing is set', () => {
    expect(() => resolvePlaceholders({ botDomain: 'a.example.net' }, '1.0.0')).toThrow(
      /Set MicrosoftAppId .* or pass --app-id/,
    );
  });

  it('accepts a pasted endpoint URL as the bot domain, and explicit https developer URLs', () => {
    const v = resolvePlaceholders(
      {
        appId: APP_ID.toUpperCase(),
        botDomain: 'https://Bot.Example.NET/api/messages',
        privacyUrl: 'https://contoso.example/privacy',
      },
      '2.3.4',
    );
    expect(v.MICROSOFT_APP_ID).toBe(APP_ID);
    expect(v.BOT_DOMAIN).toBe('bot.example.net');
    expect(v.APP_VERSION).toBe('2.3.4');
    expect(v.APP_PRIVACY_URL).toBe('https://contoso.example/privacy');
    expect(() =>
      resolvePlaceholders({ appId: APP_ID, botDomain: 'b.example.net', termsUrl: 'http://x.example' }, '1.0.0'),
    ).toThrow(/APP_TERMS_URL must be an https:\/\/ URL/);
  });

  it('JSON-escapes values and refuses unknown placeholders', () => {
    const m = fillTemplate('{"a":"${{X}}"}', { X: 'say "hi"\\' }) as unknown as { a: string };
    expect(m.a).toBe('say "hi"\\');
    expect(() => fillTemplate('{"a":"${{NOPE}}"}', VALUES)).toThrow(/\$\{\{NOPE\}\}.*does not fill/);
  });
});

describe('icons', () => {
  const color = readFileSync(join(MANIFEST_DIR, 'color.png'));
  const outline = readFileSync(join(MANIFEST_DIR, 'outline.png'));

  it('committed icons have the sizes Teams requires', () => {
    expect(readPngInfo(color)).toMatchObject({ width: 192, height: 192, colorType: 6 });
    expect(readPngInfo(outline)).toMatchObject({ width: 32, height: 32, colorType: 6 });
    expect(ICON_SIZES).toEqual({ color: 192, outline: 32 });
    expect(checkIcon('color', 'color.png', color)).toEqual([]);
    expect(checkIcon('outline', 'outline.png', outline)).toEqual([]);
  });

  it('committed icons are exactly what the drawing code produces (regenerate with --write-icons)', () => {
    expect(encodePng(drawColorIcon()).equals(color)).toBe(true);
    expect(encodePng(drawOutlineIcon()).equals(outline)).toBe(true);
  });

  it('colour icon is opaque and uses several colours; outline is white lines on transparent', () => {
    const c = decodePng(color).data;
    const colours = new Set<number>();
    let translucent = 0;
    for (let i = 0; i < c.length; i += 4) {
      if (c[i + 3] !== 255) translucent++;
      colours.add((c[i] << 16) | (c[i + 1] << 8) | c[i + 2]);
    }
    expect(translucent).toBe(0);
    expect(colours.size).toBeGreaterThan(20);
    const o = decodePng(outline).data;
    let visible = 0;
    let nonWhite = 0;
    for (let i = 0; i < o.length; i += 4) {
      if (o[i + 3] > 0) {
        visible++;
        if (o[i] !== 255 || o[i + 1] !== 255 || o[i + 2] !== 255) nonWhite++;
      }
    }
    expect(nonWhite).toBe(0);
    expect(visible).toBeGreaterThan(100); // a glyph, not a blank square
    expect(visible).toBeLessThan(32 * 32 - 300); // and mostly transparent
  });

  it('reports wrong sizes, coloured outlines and icons outside the package root', () => {
    expect(checkIcon('color', 'color.png', outline)).toEqual([
      'color icon color.png is 32x32; Teams requires 192x192.',
    ]);
    const blue = encodePng({
      width: 32,
      height: 32,
      data: new Uint8Array(32 * 32 * 4).map((_, i) => (i % 4 === 2 || i % 4 === 3 ? 255 : 0)),
    });
    expect(checkIcon('outline', 'outline.png', blue)[0]).toMatch(/1024 visible non-white pixels/);
    expect(checkIcon('outline', 'x.png', Buffer.from('nope'))[0]).toMatch(/not a PNG/);
    const m = filled();
    m.icons = { color: 'img/color.png', outline: 'missing.png' };
    const problems = checkPackageRules(m, () => undefined);
    expect(problems[0]).toMatch(/must sit at the package root/);
    expect(problems[1]).toMatch(/no such file is next to manifest.json/);
  });
});
