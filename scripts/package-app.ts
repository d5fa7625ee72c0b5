/**
 * `npm run package`: builds build/apim-triage-app.zip (manifest.json, color.png, outline.png at the zip root)
 * from manifest/, after validating the filled-in manifest offline against the schema bundled in
 * @microsoft/app-manifest. `--write-icons` redraws manifest/color.png and manifest/outline.png from code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  PACKAGE_FILE_NAME,
  PackageError,
  buildAppPackage,
  inputsFromEnv,
  resolvePlaceholders,
  type PackageInputs,
} from './lib/appPackage';
import { drawColorIcon, drawOutlineIcon } from './lib/icons';
import { encodePng } from './lib/png';
import { ZipError } from './lib/zip';

const USAGE = `Usage: npm run package -- [options]

Builds build/${PACKAGE_FILE_NAME} for upload to Teams (admin center or "Upload a custom app").

Options (each falls back to the environment variable in brackets):
  --app-id <guid>        bot app id: Entra app (client) id or managed identity client id [MicrosoftAppId]
  --bot-domain <host>    public host of https://<host>/api/messages                       [BOT_DOMAIN]
  --version <semver>     app version; raise it on every re-upload       [APP_VERSION, else package.json]
  --website-url <url>    developer website   (default https://<bot-domain>/)              [APP_WEBSITE_URL]
  --privacy-url <url>    privacy statement   (default https://<bot-domain>/)              [APP_PRIVACY_URL]
  --terms-url <url>      terms of use        (default https://<bot-domain>/)              [APP_TERMS_URL]
  --out <file>           output zip (default build/${PACKAGE_FILE_NAME})
  --write-icons          redraw manifest/color.png (192x192) and manifest/outline.png (32x32), then exit
  --help                 this text`;

const VALUE_FLAGS: Record<string, keyof PackageInputs | 'out'> = {
  '--app-id': 'appId',
  '--bot-domain': 'botDomain',
  '--version': 'version',
  '--website-url': 'websiteUrl',
  '--privacy-url': 'privacyUrl',
  '--terms-url': 'termsUrl',
  '--out': 'out',
};

interface Args {
  inputs: PackageInputs;
  out?: string;
  writeIcons: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { inputs: {}, writeIcons: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--write-icons') args.writeIcons = true;
    else if (flag in VALUE_FLAGS) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--'))
        throw new PackageError([`${flag} needs a value. Run with --help for usage.`]);
      const key = VALUE_FLAGS[flag];
      if (key === 'out') args.out = value;
      else args.inputs[key] = value;
    } else {
      throw new PackageError([`unknown option "${argv[i]}". Run with --help for usage.`]);
    }
  }
  return args;
}

/** The project root: the nearest folder up from here whose package.json is this project's. */
function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'apim-triage') return dir;
    } catch {
      /* keep walking up */
    }
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export interface RunIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The whole command; returns the exit code and never throws (bad input becomes a listed message). */
export async function runPackageApp(argv: string[], io: RunIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof PackageError) {
      io.err(`package-app: the app package was not built:\n${e.problems.map((p) => `  - ${p}`).join('\n')}`);
    } else if (e instanceof ZipError) {
      io.err(`package-app: ${e.message}`);
    } else {
      io.err(`package-app: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
    }
    return 1;
  }
}

async function run(argv: string[], io: RunIo): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const root = projectRoot();
  const manifestDir = join(root, 'manifest');
  if (args.writeIcons) {
    writeFileSync(join(manifestDir, 'color.png'), encodePng(drawColorIcon()));
    writeFileSync(join(manifestDir, 'outline.png'), encodePng(drawOutlineIcon()));
    io.out('wrote manifest/color.png (192x192) and manifest/outline.png (32x32)');
    return 0;
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const inputs = { ...inputsFromEnv(io.env), ...args.inputs };
  const values = resolvePlaceholders(inputs, pkg.version);
  const built = await buildAppPackage(manifestDir, values);
  const out = resolve(root, args.out ?? join('build', PACKAGE_FILE_NAME));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, built.zip);
  io.out(
    `wrote ${relative(process.cwd(), out) || out} (${built.zip.length} bytes): ${built.files.join(', ')}\n` +
      `  manifest v${built.manifest.manifestVersion} valid against the bundled schema; app ${built.manifest.id} ` +
      `version ${built.manifest.version}; bot endpoint host ${values.BOT_DOMAIN}`,
  );
  return 0;
}

if (require.main === module) {
  void runPackageApp(process.argv.slice(2), {
    env: process.env,
    out: (l) => console.log(l),
    err: (l) => console.error(l),
  }).then((code) => {
    process.exitCode = code;
  });
}
