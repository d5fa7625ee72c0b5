/**
 * A refused query names the identity by what an administrator needs to grant it a role: the client id and
 * object id the access token carried, read from its claims (not trusted, only shown), next to the label.
 */
import { LogSourceError } from '../../../src/logs/source/errors';
import { buildLogAnalyticsSource, describeIdentity } from '../../../src/logs/logAnalytics/logAnalyticsSource';
import { identityFromToken, nameIdentity } from '../../../src/logs/logAnalytics/errorFacts';
import { LaService } from '../../support/laService/server';
import { StaticTokenCredential } from '../../support/laService/fakeCredential';
import { SEED } from '../../support/laService/seedErrors';
import { NOW, WORKSPACE } from '../../bot/support/realTriage';

jest.setTimeout(60_000);

const CLIENT = '3f1c0a52-7d1e-4c55-9a0b-1e2f3a4b5c6d';
const OBJECT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const TOKEN = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ appid: CLIENT, oid: OBJECT, tid: TENANT, aud: 'x' })}.c2ln`;

test('claims: GUID-shaped ids only, never the token', () => {
  expect(identityFromToken(`Bearer ${TOKEN}`)).toEqual({ clientId: CLIENT, objectId: OBJECT, tenantId: TENANT });
  expect(identityFromToken('Bearer not-a-jwt')).toBeUndefined();
  expect(identityFromToken(`Bearer ${b64({})}.${b64({ appid: '<b>x</b>', oid: 'DROP TABLE' })}.x`)).toBeUndefined();
  expect(nameIdentity('DefaultAzureCredential', { clientId: CLIENT, objectId: OBJECT })).toBe(
    `DefaultAzureCredential (client id ${CLIENT}, object id ${OBJECT})`,
  );
});

test('a 403 names the client id and object id the token carried, so an admin can grant the role', async () => {
  const svc = await LaService.start({
    // Every request here is refused before it would run.
    executor: () => {
      throw new Error('no query runs in this test');
    },
    workspaces: [WORKSPACE],
    now: () => NOW,
    token: TOKEN,
  });
  try {
    svc.inject(SEED.insufficientAccess);
    const source = buildLogAnalyticsSource({
      workspaceId: WORKSPACE,
      endpoint: svc.endpoint,
      credential: new StaticTokenCredential(TOKEN),
      caCertificates: svc.ca,
      cacheTtlMs: 0,
      retry: { maxRetries: 0 },
    });
    const err = await source
      .query({ kql: 'AppRequests | take 1', timespan: { from: new Date(NOW.getTime() - 900_000), to: NOW } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(LogSourceError);
    const e = err as LogSourceError;
    const text = [e.what, e.cause, ...e.fix].join('\n');
    expect(text).toContain(`client id ${CLIENT}`);
    expect(text).toContain(`object id ${OBJECT}`);
    expect(e.fix.join(' ')).toMatch(
      new RegExp(`Grant Log Analytics Reader .*object id ${OBJECT}.* on workspace ${WORKSPACE}`),
    );
    expect(text).not.toContain(TOKEN.split('.')[1]);
  } finally {
    await svc.close();
  }
});

test('without a token to read, the identity is named by the client id from settings', () => {
  expect(describeIdentity({ managedIdentityClientId: CLIENT })).toBe(`managed identity (client id ${CLIENT})`);
  expect(describeIdentity({ tenantId: TENANT, clientId: CLIENT, clientSecret: 'not-shown' })).toBe(
    `app registration (client id ${CLIENT}, tenant ${TENANT})`,
  );
});
