/**
 * A minimal restify + CloudAdapter bot with Bot Framework authentication ON, pointed at loopback
 * identity services (fakeIdentity.ts). Inbound: the SDK's own ConfigurationBotFrameworkAuthentication
 * checks tokens against our OpenID metadata/JWKS. Outbound: replies get a real MSAL client-credentials
 * token (the msal-node that botframework-connector itself uses) whose HTTP calls are routed to loopback.
 */
import { dirname } from 'node:path';
import * as restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { MsalServiceClientCredentialsFactory } from 'botframework-connector';
import type { FakeIdentity } from './fakeIdentity';
import { StrictStatusAuthentication } from '../../../src/bot/strictAuth';

export interface AuthBotOptions {
  appId: string;
  appPassword: string;
  identity: FakeIdentity;
  /** Reply to each message (needs the outbound token); false = accept silently. Default true. */
  reply?: boolean;
  /** Wrap the SDK authentication in StrictStatusAuthentication (forged tokens get 401, not 500). */
  strict?: boolean;
}

export interface AuthBot {
  url: string;
  /** Activities whose turn actually ran (i.e. passed authentication), with the audience claim seen. */
  turns: { text?: string; audience?: string }[];
  close(): Promise<void>;
}

const LOGIN = 'https://login.microsoftonline.com';

interface NetworkResponse {
  headers: Record<string, string>;
  body: unknown;
  status: number;
}

/** MSAL INetworkModule that sends login.microsoftonline.com calls to the loopback identity server. */
function loopbackNetworkClient(baseUrl: string) {
  const send = async (
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string },
  ): Promise<NetworkResponse> => {
    if (!url.startsWith(LOGIN + '/')) throw new Error(`test MSAL client refused a non-loopback call to ${url}`);
    const res = await fetch(baseUrl + url.slice(LOGIN.length), init);
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { headers, body: await res.json(), status: res.status };
  };
  return {
    sendGetRequestAsync: (url: string, options?: { headers?: Record<string, string> }) =>
      send(url, { method: 'GET', headers: options?.headers }),
    sendPostRequestAsync: (url: string, options?: { headers?: Record<string, string>; body?: string }) =>
      send(url, { method: 'POST', headers: options?.headers, body: options?.body }),
  };
}

type MsalModule = { ConfidentialClientApplication: new (config: unknown) => unknown };

/** The msal-node botbuilder resolves (nested or hoisted), so the test runs the production token client. */
function botbuilderMsal(): MsalModule {
  const from = dirname(require.resolve('botframework-connector'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('@azure/msal-node', { paths: [from] })) as MsalModule;
}

export async function startAuthBot(options: AuthBotOptions): Promise<AuthBot> {
  const { appId, appPassword, identity } = options;
  const msal = botbuilderMsal();
  const clientApplication = new msal.ConfidentialClientApplication({
    auth: {
      clientId: appId,
      clientSecret: appPassword,
      authority: `${LOGIN}/botframework.com`,
      knownAuthorities: ['login.microsoftonline.com'],
    },
    system: { networkClient: loopbackNetworkClient(identity.baseUrl) },
  });

  // Setting any of the "parameterized" options makes the SDK take all of them as given, so every
  // endpoint is set here and none falls back to a public Microsoft URL.
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: appId,
      MicrosoftAppType: 'MultiTenant',
      ToBotFromChannelOpenIdMetadataUrl: identity.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToBotFromEmulatorOpenIdMetadataUrl: identity.openIdMetadataUrl,
      ToChannelFromBotLoginUrl: `${LOGIN}/botframework.com`,
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      OAuthUrl: identity.baseUrl,
      CallerId: 'urn:botframework:azure',
      ValidateAuthority: true,
    },
    new MsalServiceClientCredentialsFactory(appId, clientApplication as never),
  );
  const adapter = new CloudAdapter(options.strict ? new StrictStatusAuthentication(auth) : auth);
  adapter.onTurnError = async () => {
    /* the HTTP status carries the failure; tests assert on it */
  };

  const turns: AuthBot['turns'] = [];
  const bot = new ActivityHandler();
  bot.onMessage(async (ctx: TurnContext, next) => {
    const identityClaims = ctx.turnState.get<{ getClaimValue(t: string): string | null } | undefined>(
      adapter.BotIdentityKey,
    );
    turns.push({ text: ctx.activity.text, audience: identityClaims?.getClaimValue('aud') ?? undefined });
    if (options.reply !== false) await ctx.sendActivity(`pong: ${ctx.activity.text ?? ''}`);
    await next();
  });

  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (ctx) => bot.run(ctx));
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    turns,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
