import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

import { PackageError, buildAppPackage, fillTemplate, resolvePlaceholders } from '../../scripts/lib/appPackage';
import { readZip } from '../../scripts/lib/zip';
import { runPackageApp } from '../../scripts/package-app';

/** The fields of the packaged manifest.json these tests read. */
interface PackagedManifest {
  id: string;
  version: string;
  bots: { botId: string }[];
  validDomains: string[];
}

const MANIFEST_DIR = join(__dirname, '..', '..', 'manifest');
const APP_ID = '6f1d2c3b-4a59-4e8f-9a7b-0c1d2e3f4a5b';
const VALUES = resolvePlaceholders({ appId: APP_ID, botDomain: 'triage.contoso.example' }, '1.4.2');

/** Independent unzip: walk the central directory by hand and inflate each entry with node:zlib. */
function unzipByHand(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const csize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const skip = nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    const local = zip.readUInt32LE(p + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + csize);
    files.set(name, method === 8 ? inflateRawSync(body) : Buffer.from(body));
    p += 46 + skip;
  }
  return files;
}

describe('app package', () => {
  it('holds exactly manifest.json, color.png and outline.png at the zip root, and they round-trip', async () => {
    const built = await buildAppPackage(MANIFEST_DIR, VALUES);
    expect(built.files).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const files = unzipByHand(built.zip);
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    for (const name of files.keys()) expect(name).not.toContain('/');
    expect(JSON.parse(files.get('manifest.json')!.toString('utf8'))).toEqual(
      fillTemplate(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8'), VALUES),
    );
    expect(files.get('color.png')!.equals(readFileSync(join(MANIFEST_DIR, 'color.png')))).toBe(true);
    expect(files.get('outline.png')!.equals(readFileSync(join(MANIFEST_DIR, 'outline.png')))).toBe(true);
    // And our own reader agrees (it also checks CRCs and sizes).
    expect(readZip(built.zip).map((e) => [e.name, e.data.length])).toEqual([...files].map(([n, d]) => [n, d.length]));
  });

  it('puts the filled-in ids and version in the packaged manifest', async () => {
    const built = await buildAppPackage(MANIFEST_DIR, VALUES);
    const m = JSON.parse(unzipByHand(built.zip).get('manifest.json')!.toString('utf8')) as PackagedManifest;
    expect(m.id).toBe(APP_ID);
    expect(m.bots[0].botId).toBe(APP_ID);
    expect(m.version).toBe('1.4.2');
    expect(m.validDomains).toContain('triage.contoso.example');
    expect(JSON.stringify(m)).not.toContain('${{');
  });

  it('lists schema problems instead of writing a package', async () => {
    await expect(buildAppPackage(MANIFEST_DIR, { ...VALUES, APP_VERSION: 'x'.repeat(300) })).rejects.toThrow(
      PackageError,
    );
    try {
      await buildAppPackage(MANIFEST_DIR, { ...VALUES, APP_VERSION: 'x'.repeat(300) });
    } catch (e) {
      expect((e as PackageError).problems).toEqual([
        expect.stringMatching(/^schema v1\.\d+: \/version must NOT have more than 256 characters/),
      ]);
    }
  });
});

describe('package-app command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apim-triage-pkg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function io(env: NodeJS.ProcessEnv) {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { env, out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  }

  it('writes the zip from env vars; flags win over env', async () => {
    const zipPath = join(dir, 'app.zip');
    const t = io({ MicrosoftAppId: APP_ID, BOT_DOMAIN: 'env.contoso.example' });
    const code = await runPackageApp(
      ['--bot-domain', 'flag.contoso.example', `--out=${zipPath}`, '--version', '2.0.0'],
      t.io,
    );
    expect(t.err).toEqual([]);
    expect(code).toBe(0);
    expect(t.out[0]).toMatch(/manifest\.json, color\.png, outline\.png/);
    const m = JSON.parse(
      readZip(readFileSync(zipPath))
        .find((e) => e.name === 'manifest.json')!
        .data.toString('utf8'),
    ) as PackagedManifest;
    expect(m.validDomains[0]).toBe('flag.contoso.example');
    expect(m.version).toBe('2.0.0');
    expect(m.id).toBe(APP_ID);
  });

  it('fails with a clear, listed message and exit code 1 when settings are missing or wrong', async () => {
    const t = io({});
    expect(await runPackageApp(['--out', join(dir, 'x.zip')], t.io)).toBe(1);
    expect(t.err.join('\n')).toMatch(
      /the app package was not built:\n {2}- The bot's app id is not set\..*\n {2}- The bot's public host name is not set/s,
    );
    const u = io({});
    expect(await runPackageApp(['--colour', 'red'], u.io)).toBe(1);
    expect(u.err[0]).toMatch(/unknown option "--colour". Run with --help/);
    const v = io({});
    expect(await runPackageApp(['--app-id'], v.io)).toBe(1);
    expect(v.err[0]).toMatch(/--app-id needs a value/);
  });

  it('prints usage with --help', async () => {
    const t = io({});
    expect(await runPackageApp(['--help'], t.io)).toBe(0);
    expect(t.out[0]).toMatch(/--app-id <guid>.*\[MicrosoftAppId\]/);
  });
});
