/**
 * Builds the Teams app package: fills the manifest template's ${{NAME}} placeholders, validates the result
 * offline against the JSON schema bundled in @microsoft/app-manifest (never the network: the $schema URL is
 * only used to name the version), checks the icons, and zips manifest.json + icons at the zip root.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { PngError, decodePng, readPngInfo } from './png';
import { createZip, readZip } from './zip';

export class PackageError extends Error {
  override name = 'PackageError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The part of the manifest this script reads; the schema checks the rest. */
export interface TeamsManifest {
  manifestVersion: string;
  version: string;
  id: string;
  icons: { color: string; outline: string };
  bots?: {
    botId: string;
    scopes: string[];
    commandLists?: { scopes: string[]; commands: { title: string; description?: string }[] }[];
  }[];
  [key: string]: unknown;
}

export const PACKAGE_FILE_NAME = 'apim-triage-app.zip';
export const ICON_SIZES = { color: 192, outline: 32 } as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export interface PackageInputs {
  /** --app-id, else env MicrosoftAppId: the bot's Entra app (client) id, or the managed identity's client id. */
  appId?: string;
  /** --bot-domain, else env BOT_DOMAIN: public host of the messaging endpoint, e.g. apim-triage.azurewebsites.net. */
  botDomain?: string;
  /** --version, else env APP_VERSION, else package.json's version. Teams wants it raised on every re-upload. */
  version?: string;
  websiteUrl?: string;
  privacyUrl?: string;
  termsUrl?: string;
}

/** Reads the inputs from environment variables (flags, applied by the caller, take precedence). */
export function inputsFromEnv(env: NodeJS.ProcessEnv): PackageInputs {
  return {
    appId: env.MicrosoftAppId || env.MICROSOFT_APP_ID || undefined,
    botDomain: env.BOT_DOMAIN || undefined,
    version: env.APP_VERSION || undefined,
    websiteUrl: env.APP_WEBSITE_URL || undefined,
    privacyUrl: env.APP_PRIVACY_URL || undefined,
    termsUrl: env.APP_TERMS_URL || undefined,
  };
}

function httpsUrl(label: string, value: string | undefined, fallback: string | undefined, problems: string[]): string {
  // No explicit URL and no usable bot domain: the domain problem is already reported, say nothing more.
  if (value === undefined && fallback === undefined) return '';
  value ??= fallback!;
  try {
    const u = new URL(value);
    if (u.protocol === 'https:') return u.toString();
  } catch {
    /* reported below */
  }
  problems.push(`${label} must be an https:// URL, got "${value}"`);
  return value;
}

/** Turns inputs into placeholder values, reporting every missing or malformed one at once. */
export function resolvePlaceholders(inputs: PackageInputs, packageVersion: string): Record<string, string> {
  const problems: string[] = [];
  const appId = (inputs.appId ?? '').trim();
  if (!appId) {
    problems.push(
      "The bot's app id is not set. Set MicrosoftAppId (the Entra app registration's Application (client) ID, or the " +
        "user-assigned managed identity's client ID) or pass --app-id <guid>.",
    );
  } else if (!GUID.test(appId)) {
    problems.push(
      `MicrosoftAppId / --app-id must be a GUID like 00000000-0000-0000-0000-000000000000, got "${appId}".`,
    );
  }
  // Accept a pasted URL and keep only its host: people copy the endpoint from the portal.
  let domain = (inputs.botDomain ?? '')
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '');
  if (!domain) {
    problems.push(
      "The bot's public host name is not set. Set BOT_DOMAIN or pass --bot-domain <host> " +
        '(e.g. apim-triage-abc123.azurewebsites.net, the host of https://<host>/api/messages).',
    );
  } else if (!HOST.test(domain)) {
    problems.push(`BOT_DOMAIN / --bot-domain must be a DNS host name without port or path, got "${inputs.botDomain}".`);
  }
  const domainOk = HOST.test(domain);
  domain = domain.toLowerCase();
  const version = (inputs.version ?? packageVersion).trim();
  if (!SEMVER.test(version))
    problems.push(`The app version must be semver like 1.2.3, got "${version}" (APP_VERSION / --version).`);
  const home = domainOk ? `https://${domain}/` : undefined;
  const values: Record<string, string> = {
    MICROSOFT_APP_ID: appId.toLowerCase(),
    BOT_DOMAIN: domain,
    APP_VERSION: version,
    APP_WEBSITE_URL: httpsUrl('APP_WEBSITE_URL', inputs.websiteUrl, home, problems),
    APP_PRIVACY_URL: httpsUrl('APP_PRIVACY_URL', inputs.privacyUrl, home, problems),
    APP_TERMS_URL: httpsUrl('APP_TERMS_URL', inputs.termsUrl, home, problems),
  };
  if (problems.length) throw new PackageError(problems);
  return values;
}

/** Replaces ${{NAME}} inside the template's JSON strings (values are JSON-escaped) and parses the result. */
export function fillTemplate(template: string, values: Record<string, string>): TeamsManifest {
  const unknown = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(name in values)) {
      unknown.add(name);
      return whole;
    }
    return JSON.stringify(values[name]).slice(1, -1);
  });
  if (unknown.size) {
    throw new PackageError([
      `manifest.json uses placeholder(s) ${[...unknown].map((n) => `\${{${n}}}`).join(', ')} that package-app does not fill; ` +
        `known: ${Object.keys(values).join(', ')}.`,
    ]);
  }
  try {
    return JSON.parse(text) as TeamsManifest;
  } catch (e) {
    throw new PackageError([`manifest.json is not valid JSON after filling placeholders: ${(e as Error).message}`]);
  }
}

function schemaRoot(): string {
  return join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
}

/** Manifest schema versions bundled in @microsoft/app-manifest, e.g. ["1.0", ..., "1.30", "DevPreview"]. */
export function bundledSchemaVersions(): string[] {
  return readdirSync(schemaRoot())
    .filter((d) => d.startsWith('v') && existsSync(join(schemaRoot(), d, 'MicrosoftTeams.schema.json')))
    .map((d) => d.slice(1));
}

/** The bundled JSON schema for `manifestVersion`; read from disk so validation never touches the network. */
function loadBundledSchema(manifestVersion: string): object {
  const file = join(schemaRoot(), `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!/^[0-9A-Za-z.]+$/.test(manifestVersion) || !existsSync(file)) {
    throw new PackageError([
      `manifestVersion "${manifestVersion}" has no bundled schema in @microsoft/app-manifest; bundled: ${bundledSchemaVersions().join(', ')}.`,
    ]);
  }
  // Same clean-up the library applies to its own schema files (\a and \v escapes that ajv's unicode regexes reject).
  const raw = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(raw) as object;
}

/** Schema errors for the manifest against its own manifestVersion's bundled schema; [] when valid. */
export async function validateAgainstBundledSchema(manifest: TeamsManifest): Promise<string[]> {
  type Args = Parameters<typeof AppManifestUtils.validateAgainstSchema>;
  const schema = loadBundledSchema(String(manifest.manifestVersion));
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as Args[0], schema as unknown as Args[1]);
}

/** Problems with one icon file: PNG, exact size, and for the outline: only white or transparent pixels. */
export function checkIcon(kind: 'color' | 'outline', file: string, png: Uint8Array): string[] {
  const want = ICON_SIZES[kind];
  try {
    const info = readPngInfo(png);
    if (info.width !== want || info.height !== want) {
      return [`${kind} icon ${file} is ${info.width}x${info.height}; Teams requires ${want}x${want}.`];
    }
    if (kind === 'outline') {
      if (info.colorType !== 6)
        return [`outline icon ${file} must have an alpha channel (RGBA PNG) with a transparent background.`];
      const { data } = decodePng(png);
      let coloured = 0;
      let transparent = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) transparent++;
        else if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) coloured++;
      }
      if (coloured)
        return [
          `outline icon ${file} has ${coloured} visible non-white pixels; Teams wants white lines on transparent.`,
        ];
      if (!transparent)
        return [`outline icon ${file} has no transparent pixels; Teams wants white lines on transparent.`];
    }
    return [];
  } catch (e) {
    if (e instanceof PngError) return [`${kind} icon ${file}: ${e.message}`];
    throw e;
  }
}

/** Checks the schema cannot express: icons at the package root, present and well-formed; unique command titles. */
export function checkPackageRules(
  manifest: TeamsManifest,
  readIcon: (name: string) => Uint8Array | undefined,
): string[] {
  const problems: string[] = [];
  for (const kind of ['color', 'outline'] as const) {
    const name = manifest.icons?.[kind];
    if (typeof name !== 'string') continue; // the schema reports it
    if (name.includes('/') || name.includes('\\')) {
      problems.push(
        `icons.${kind} is "${name}"; the icon must sit at the package root, next to manifest.json (e.g. "${kind}.png").`,
      );
      continue;
    }
    const png = readIcon(name);
    if (!png) problems.push(`icons.${kind} names "${name}", but no such file is next to manifest.json.`);
    else problems.push(...checkIcon(kind, name, png));
  }
  for (const [b, bot] of (manifest.bots ?? []).entries()) {
    for (const [l, list] of (bot.commandLists ?? []).entries()) {
      const seen = new Set<string>();
      for (const cmd of list.commands ?? []) {
        const key = String(cmd.title).toLowerCase();
        if (seen.has(key)) problems.push(`bots[${b}].commandLists[${l}] lists the command "${cmd.title}" twice.`);
        seen.add(key);
      }
    }
  }
  return problems;
}

export interface BuiltPackage {
  manifest: TeamsManifest;
  zip: Buffer;
  /** Names in the zip, in order. */
  files: string[];
}

/** Reads manifest/ (template + icons), fills, validates and zips; throws PackageError listing every problem. */
export async function buildAppPackage(manifestDir: string, values: Record<string, string>): Promise<BuiltPackage> {
  const templatePath = join(manifestDir, 'manifest.json');
  if (!existsSync(templatePath)) throw new PackageError([`no manifest template at ${templatePath}`]);
  const manifest = fillTemplate(readFileSync(templatePath, 'utf8'), values);
  const schemaErrors = (await validateAgainstBundledSchema(manifest)).map(
    (e) => `schema v${manifest.manifestVersion}: ${e.trim() || '(root)'}`,
  );
  const readIcon = (name: string) =>
    existsSync(join(manifestDir, name)) ? readFileSync(join(manifestDir, name)) : undefined;
  const problems = [...schemaErrors, ...checkPackageRules(manifest, readIcon)];
  if (problems.length) throw new PackageError(problems);

  const files = ['manifest.json', manifest.icons.color, manifest.icons.outline];
  const zip = createZip([
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8') },
    { name: manifest.icons.color, data: readIcon(manifest.icons.color)! },
    { name: manifest.icons.outline, data: readIcon(manifest.icons.outline)! },
  ]);
  // Read our own output back: a package Teams rejects is found here, not at upload time.
  const names = readZip(zip).map((e) => e.name);
  if (names.join('\n') !== files.join('\n'))
    throw new PackageError([`zip self-check failed: wrote ${files.join(', ')}, read ${names.join(', ')}`]);
  return { manifest, zip, files };
}
