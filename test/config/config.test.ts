import { ConfigError, loadConfig } from '../../src/config';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  test('no settings: embedded demo, unauthenticated, port 3978', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.bot.authDisabled).toBe(true);
    expect(c.logs).toEqual({
      kind: 'embedded',
      file: undefined,
      fileTable: undefined,
      demoSchema: 'resource-specific',
      demoSeed: 42,
      demoHours: 24,
    });
    expect(c.cacheTtlMs).toBe(60_000);
    expect(c.maxConcurrentQueries).toBe(5);
  });

  test('a workspace id switches to Log Analytics with DefaultAzureCredential', () => {
    const c = loadConfig({ LOG_ANALYTICS_WORKSPACE_ID: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0' });
    expect(c.logs).toMatchObject({
      kind: 'log-analytics',
      workspaceId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
      credential: 'default',
    });
  });

  test('AZURE_CLIENT_ID alone means a user-assigned managed identity; with tenant + secret a service principal', () => {
    const ws = { LOG_ANALYTICS_WORKSPACE_ID: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0' };
    expect(loadConfig({ ...ws, AZURE_CLIENT_ID: 'cid' }).logs).toMatchObject({
      credential: { managedIdentityClientId: 'cid' },
    });
    expect(
      loadConfig({ ...ws, AZURE_CLIENT_ID: 'cid', AZURE_TENANT_ID: 'tid', AZURE_CLIENT_SECRET: 's' }).logs,
    ).toMatchObject({
      credential: { tenantId: 'tid', clientId: 'cid', clientSecret: 's' },
    });
  });

  test('each bad value is named with what would work', () => {
    expect(problems({ PORT: 'eighty' })).toEqual(['PORT must be a whole number from 1 to 65535, got "eighty"']);
    expect(problems({ LOG_ANALYTICS_WORKSPACE_ID: 'my-workspace' })[0]).toMatch(
      /^LOG_ANALYTICS_WORKSPACE_ID must be the workspace \(customer\) id/,
    );
    expect(problems({ LOG_SOURCE: 'log-analytics' })[0]).toMatch(
      /neither LOG_ANALYTICS_WORKSPACE_ID nor APIM_RESOURCE_ID/,
    );
    expect(problems({ LOG_FILE: '/nonexistent/export.csv' })).toEqual([
      'LOG_FILE file not found: /nonexistent/export.csv',
    ]);
    expect(problems({ APIM_RESOURCE_ID: '/subscriptions/x/apim' })[0]).toMatch(/must be an APIM resource id/);
    expect(problems({ LOG_ANALYTICS_ENDPOINT: 'http://127.0.0.1:1/v1' })[0]).toMatch(/https URL ending in \/v1/);
    expect(problems({ DEMO_SCHEMA: 'sql' })[0]).toMatch(/^DEMO_SCHEMA /);
  });

  test('production refuses to run without a Bot Framework app id', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'MicrosoftAppId is required when NODE_ENV=production: without it the bot would accept unauthenticated requests',
    ]);
  });

  test('app registration rules: single-tenant needs the tenant, MSI has no password', () => {
    expect(problems({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' })[0]).toMatch(
      /MicrosoftAppTenantId is required.*AADSTS700016/,
    );
    expect(
      problems({
        MicrosoftAppId: 'a',
        MicrosoftAppPassword: 'p',
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: 't',
      }),
    ).toEqual(['MicrosoftAppPassword must be empty for UserAssignedMSI']);
    const ok = loadConfig({
      MicrosoftAppId: 'a',
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: 't',
      NODE_ENV: 'production',
    });
    expect(ok.bot).toMatchObject({ appId: 'a', appType: 'UserAssignedMSI', tenantId: 't', authDisabled: false });
    expect(ok.production).toBe(true);
  });

  test('the error message lists every problem and points at .env.sample', () => {
    try {
      loadConfig({ PORT: '0', QUERY_CACHE_TTL_SECONDS: '-1' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect((e as Error).message).toContain('PORT must be');
      expect((e as Error).message).toContain('QUERY_CACHE_TTL_SECONDS must be');
      expect((e as Error).message).toContain('.env.sample');
    }
  });

  test('INSTANCE_COUNT shares the workspace query limit among instances and needs shared state', () => {
    const blob = { STATE_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true', STATE_BLOB_CONTAINER: 'pins' };
    expect(loadConfig({}).maxConcurrentQueries).toBe(5);
    const three = loadConfig({ ...blob, INSTANCE_COUNT: '3' });
    expect(three.instanceCount).toBe(3);
    // 5 per identity, 3 instances: 1 each (3 in flight at most), never 5 each (15).
    expect(three.maxConcurrentQueries).toBe(1);
    expect(loadConfig({ ...blob, INSTANCE_COUNT: '2', MAX_CONCURRENT_QUERIES: '4' }).maxConcurrentQueries).toBe(2);
    expect(problems({ ...blob, INSTANCE_COUNT: '4', MAX_CONCURRENT_QUERIES: '3' }).join('\n')).toMatch(
      /INSTANCE_COUNT.*at least one query slot/,
    );
    expect(problems({ INSTANCE_COUNT: '2' }).join('\n')).toMatch(/INSTANCE_COUNT.*STATE_BLOB_CONNECTION_STRING/);
  });
});
