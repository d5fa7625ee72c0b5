/**
 * Every setting, read from the environment once at start and validated, so a wrong value fails
 * loudly at boot with a message naming the variable, not later in the middle of an outage.
 * .env.sample and the settings docs describe each variable; a test keeps them in step with SETTING_NAMES.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { accessPolicyFromSettings, AccessSettingsError, type AccessPolicy } from './bot/access';
import { signingKeyProblem } from './bot/actionData';
import { ANSWER_TIMEOUT_MS, QUERY_TIMEOUT_MS } from './timeouts';

const SCHEMA_IDS = ['resource-specific', 'azure-diagnostics', 'azure-diagnostics-seed'] as const;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const intSetting = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must be a whole number from ${min} to ${max}, got "${v}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const listSetting = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APIM_RESOURCE_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+$/i;

const settingsShape = z.object({
  NODE_ENV: optionalText,
  PORT: intSetting(1, 65535, 3978),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI', ''])
    .optional()
    .transform((v) => (v ? v : undefined)),
  MicrosoftAppTenantId: optionalText,
  LOG_SOURCE: z
    .enum(['embedded', 'log-analytics', ''])
    .optional()
    .transform((v) => (v ? v : undefined)),
  LOG_FILE: optionalText,
  LOG_FILE_TABLE: optionalText,
  DEMO_SCHEMA: z.enum(SCHEMA_IDS).optional(),
  DEMO_SEED: intSetting(0, 2 ** 31 - 1, 42),
  DEMO_HOURS: intSetting(1, 24 * 7, 24),
  LOG_ANALYTICS_WORKSPACE_ID: optionalText.refine((v) => v === undefined || GUID.test(v), {
    message:
      'must be the workspace (customer) id, a GUID like 0b1c2d3e-...; find it with `az monitor log-analytics workspace show --query customerId`',
  }),
  APIM_RESOURCE_ID: optionalText.refine((v) => v === undefined || APIM_RESOURCE_ID.test(v), {
    message:
      'must be an APIM resource id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>',
  }),
  LOG_ANALYTICS_WORKSPACE_RESOURCE_ID: optionalText.refine(
    (v) =>
      v === undefined ||
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(
        v,
      ),
    {
      message:
        'must be the workspace ARM id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>',
    },
  ),
  LOG_ANALYTICS_ENDPOINT: optionalText.refine((v) => v === undefined || /^https:\/\/[^\s]+\/v1\/?$/.test(v), {
    message: 'must be an https URL ending in /v1, e.g. https://api.loganalytics.azure.com/v1',
  }),
  AZURE_CLIENT_ID: optionalText,
  AZURE_TENANT_ID: optionalText,
  AZURE_CLIENT_SECRET: optionalText,
  SCHEMA_OVERRIDE: z.enum(SCHEMA_IDS).optional(),
  QUERY_TIMEOUT_SECONDS: intSetting(5, 600, QUERY_TIMEOUT_MS / 1000),
  ANSWER_TIMEOUT_SECONDS: intSetting(5, 600, ANSWER_TIMEOUT_MS / 1000),
  QUERY_CACHE_TTL_SECONDS: intSetting(0, 3600, 60),
  MAX_CONCURRENT_QUERIES: intSetting(1, 5, 5),
  INSTANCE_COUNT: intSetting(1, 5, 1),
  QUERY_QUEUE_LIMIT: intSetting(0, 1000, 50),
  QUERY_RETRY_MAX: intSetting(0, 10, 3),
  QUERY_RETRY_BUDGET_SECONDS: intSetting(0, 300, 20),
  STATE_DIR: optionalText,
  STATE_BLOB_CONNECTION_STRING: optionalText,
  STATE_BLOB_CONTAINER: optionalText,
  ALLOWED_TENANTS: listSetting,
  ALLOWED_TEAMS: listSetting,
  ALLOWED_CHANNELS: listSetting,
  ALLOWED_USERS: listSetting,
  ALLOWED_CONVERSATION_TYPES: optionalText,
  WORKSPACE_MAP: optionalText,
  ACTION_SIGNING_KEY: optionalText.refine((v) => signingKeyProblem(v) === undefined, {
    message: 'must be at least 32 characters (e.g. `openssl rand -base64 48`)',
  }),
  RATE_LIMIT_USER_PER_MINUTE: intSetting(1, 600, 6),
  RATE_LIMIT_CONVERSATION_PER_MINUTE: intSetting(1, 6000, 20),
  MAX_COMMAND_LENGTH: intSetting(20, 4000, 500),
});

/** Every environment variable the bot reads; .env.sample and the settings docs list each one. */
export const SETTING_NAMES: readonly string[] = Object.keys(settingsShape.shape);

const envSchema = settingsShape.superRefine((env, ctx) => {
  if (env.LOG_SOURCE === 'log-analytics' && !env.LOG_ANALYTICS_WORKSPACE_ID && !env.APIM_RESOURCE_ID) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['LOG_SOURCE'],
      message: 'is log-analytics but neither LOG_ANALYTICS_WORKSPACE_ID nor APIM_RESOURCE_ID is set',
    });
  }
  if (env.LOG_FILE && !existsSync(env.LOG_FILE)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['LOG_FILE'], message: `file not found: ${env.LOG_FILE}` });
  }
  if (env.INSTANCE_COUNT > env.MAX_CONCURRENT_QUERIES) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['INSTANCE_COUNT'],
      message: `is ${env.INSTANCE_COUNT} but MAX_CONCURRENT_QUERIES is ${env.MAX_CONCURRENT_QUERIES}: every instance needs at least one query slot of the workspace's limit`,
    });
  }
  if (env.INSTANCE_COUNT > 1 && !env.STATE_BLOB_CONNECTION_STRING) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['INSTANCE_COUNT'],
      message:
        'is more than 1, so pins must be shared: set STATE_BLOB_CONNECTION_STRING and STATE_BLOB_CONTAINER (files under STATE_DIR belong to one instance)',
    });
  }
  if (Boolean(env.STATE_BLOB_CONNECTION_STRING) !== Boolean(env.STATE_BLOB_CONTAINER)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['STATE_BLOB_CONTAINER'],
      message:
        'and STATE_BLOB_CONNECTION_STRING go together: set both for Azure Blob state, or neither for files under STATE_DIR',
    });
  }
  if (env.AZURE_CLIENT_SECRET && (!env.AZURE_CLIENT_ID || !env.AZURE_TENANT_ID)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['AZURE_CLIENT_SECRET'],
      message: 'a service principal needs AZURE_CLIENT_ID and AZURE_TENANT_ID as well',
    });
  }
  const appType = env.MicrosoftAppType ?? 'MultiTenant';
  if (env.MicrosoftAppId && appType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['MicrosoftAppTenantId'],
      message: `is required when MicrosoftAppType is ${appType} (without it token requests go to the Bot Framework tenant and fail with AADSTS700016)`,
    });
  }
  if (env.MicrosoftAppId && appType === 'UserAssignedMSI' && env.MicrosoftAppPassword) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['MicrosoftAppPassword'],
      message: 'must be empty for UserAssignedMSI',
    });
  }
  if (env.MicrosoftAppId && appType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['MicrosoftAppPassword'],
      message: `is required when MicrosoftAppType is ${appType}`,
    });
  }
  if (env.NODE_ENV === 'production' && !env.MicrosoftAppId) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['MicrosoftAppId'],
      message: 'is required when NODE_ENV=production: without it the bot would accept unauthenticated requests',
    });
  }
});

type SchemaId = (typeof SCHEMA_IDS)[number];

export type LogSourceConfig =
  | { kind: 'embedded'; file?: string; fileTable?: string; demoSchema: SchemaId; demoSeed: number; demoHours: number }
  | {
      kind: 'log-analytics';
      workspaceId?: string;
      resourceId?: string;
      endpoint?: string;
      credential:
        'default' | { managedIdentityClientId: string } | { tenantId: string; clientId: string; clientSecret: string };
    };

export interface AppConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  bot: {
    appId?: string;
    appPassword?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId?: string;
    /** No app id: Bot Framework tokens are not checked (local use only). */
    authDisabled: boolean;
  };
  logs: LogSourceConfig;
  /** Where "Open in Log Analytics" buttons point (Log Analytics only): the workspace or APIM ARM id. */
  portal?: { resourceId: string; tenant?: string; workspaceId?: string };
  schemaOverride?: SchemaId;
  queryTimeoutSeconds: number;
  answerTimeoutSeconds: number;
  cacheTtlMs: number;
  /** This instance's share of MAX_CONCURRENT_QUERIES: the workspace's limit divided among INSTANCE_COUNT instances. */
  maxConcurrentQueries: number;
  /** Instances serving the bot at once (INSTANCE_COUNT); they share the query limit and the pins. */
  instanceCount: number;
  /** Commands waiting for a query slot before new ones are refused (QueueFull). */
  queryQueueLimit: number;
  retry: { maxRetries: number; maxTotalMs: number };
  stateDir: string;
  /** Azure Blob storage for pins and conversation references (several instances); files under stateDir otherwise. */
  stateBlob?: { connectionString: string; container: string };
  /** Who may use the bot where, and which workspace each team or channel may query. */
  access: AccessPolicy;
  /** Signs card action data; random per process when unset (cards then die with a restart). */
  actionSigningKey?: string;
  rateLimits: { perUserPerMinute: number; perConversationPerMinute: number };
  maxCommandLength: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.sample for every setting.`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` (when present) into process.env without overriding variables already set. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'} ${i.message}`));
  }
  const e = parsed.data;
  let access: AccessPolicy;
  try {
    access = accessPolicyFromSettings({ ...e, defaultWorkspaceId: e.LOG_ANALYTICS_WORKSPACE_ID });
  } catch (error) {
    if (error instanceof AccessSettingsError) throw new ConfigError(error.problems);
    throw error;
  }
  const useLogAnalytics =
    e.LOG_SOURCE === 'log-analytics' ||
    (e.LOG_SOURCE === undefined && Boolean(e.LOG_ANALYTICS_WORKSPACE_ID || e.APIM_RESOURCE_ID));

  const logs: LogSourceConfig = useLogAnalytics
    ? {
        kind: 'log-analytics',
        workspaceId: e.LOG_ANALYTICS_WORKSPACE_ID,
        resourceId: e.APIM_RESOURCE_ID,
        endpoint: e.LOG_ANALYTICS_ENDPOINT,
        credential:
          e.AZURE_CLIENT_SECRET && e.AZURE_CLIENT_ID && e.AZURE_TENANT_ID
            ? { tenantId: e.AZURE_TENANT_ID, clientId: e.AZURE_CLIENT_ID, clientSecret: e.AZURE_CLIENT_SECRET }
            : e.AZURE_CLIENT_ID
              ? { managedIdentityClientId: e.AZURE_CLIENT_ID }
              : 'default',
      }
    : {
        kind: 'embedded',
        file: e.LOG_FILE,
        fileTable: e.LOG_FILE_TABLE,
        demoSchema: e.DEMO_SCHEMA ?? 'resource-specific',
        demoSeed: e.DEMO_SEED,
        demoHours: e.DEMO_HOURS,
      };

  return {
    nodeEnv: e.NODE_ENV ?? 'development',
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType ?? 'MultiTenant',
      tenantId: e.MicrosoftAppTenantId,
      authDisabled: !e.MicrosoftAppId,
    },
    logs,
    portal:
      logs.kind === 'log-analytics' && (e.APIM_RESOURCE_ID || e.LOG_ANALYTICS_WORKSPACE_RESOURCE_ID)
        ? {
            // Resource-centric queries open on the APIM instance; workspace queries on the workspace.
            resourceId: (logs.resourceId && !logs.workspaceId
              ? logs.resourceId
              : (e.LOG_ANALYTICS_WORKSPACE_RESOURCE_ID ?? e.APIM_RESOURCE_ID))!,
            tenant: e.MicrosoftAppTenantId ?? e.AZURE_TENANT_ID,
            workspaceId: logs.workspaceId,
          }
        : undefined,
    schemaOverride: e.SCHEMA_OVERRIDE,
    queryTimeoutSeconds: e.QUERY_TIMEOUT_SECONDS,
    answerTimeoutSeconds: e.ANSWER_TIMEOUT_SECONDS,
    cacheTtlMs: e.QUERY_CACHE_TTL_SECONDS * 1000,
    // Log Analytics counts concurrent queries per identity, and every instance runs as the same identity.
    maxConcurrentQueries: Math.floor(e.MAX_CONCURRENT_QUERIES / e.INSTANCE_COUNT),
    instanceCount: e.INSTANCE_COUNT,
    queryQueueLimit: e.QUERY_QUEUE_LIMIT,
    retry: { maxRetries: e.QUERY_RETRY_MAX, maxTotalMs: e.QUERY_RETRY_BUDGET_SECONDS * 1000 },
    stateDir: e.STATE_DIR ?? '.data',
    stateBlob:
      e.STATE_BLOB_CONNECTION_STRING && e.STATE_BLOB_CONTAINER
        ? { connectionString: e.STATE_BLOB_CONNECTION_STRING, container: e.STATE_BLOB_CONTAINER }
        : undefined,
    access,
    actionSigningKey: e.ACTION_SIGNING_KEY,
    rateLimits: {
      perUserPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
      perConversationPerMinute: e.RATE_LIMIT_CONVERSATION_PER_MINUTE,
    },
    maxCommandLength: e.MAX_COMMAND_LENGTH,
  };
}
