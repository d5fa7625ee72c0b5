/** Composition root shared by the server and the CLI: settings -> log source -> triage service. */
import type { AppConfig } from '../config';
import { buildSource, type SourceOptions } from './sources';
import { TriageService } from './service';

export { TriageService } from './service';
export type { RunContext, TriageOptions } from './service';

export function createTriage(config: AppConfig, options: SourceOptions = {}): { triage: TriageService; description: string } {
  const identity =
    config.logs.kind === 'log-analytics'
      ? typeof config.logs.credential === 'string'
        ? "the bot's identity (DefaultAzureCredential: its managed identity on Azure)"
        : 'managedIdentityClientId' in config.logs.credential
          ? `the bot's managed identity (client id ${config.logs.credential.managedIdentityClientId})`
          : `the bot's service principal (client id ${config.logs.credential.clientId})`
      : 'the local user';
  const built = buildSource(config.logs, {
    queryTimeoutSeconds: config.queryTimeoutSeconds,
    cacheTtlMs: config.cacheTtlMs,
    maxConcurrentQueries: config.maxConcurrentQueries,
    queueLimit: config.queryQueueLimit,
    retry: config.retry,
    identityLabel: identity,
    ...options,
  });
  const triage = new TriageService({
    source: built.source,
    schemaOverride: config.schemaOverride,
    now: built.now,
    answerTimeoutMs: config.answerTimeoutSeconds * 1000,
    identity,
  });
  return { triage, description: built.description };
}
