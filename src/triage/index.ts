/**
 * Composition root shared by the server and the CLI: settings -> log source -> triage service.
 * One shared bot can serve several teams, each querying only its own Log Analytics workspace
 * (WORKSPACE_MAP): the hub keeps one service, with its own source, caches and probe, per workspace.
 */
import type { Answer, ErrorAnswer, HelpAnswer } from '../answer';
import type { Command, ParseContext, ParseOutcome } from '../commands/types';
import type { AppConfig } from '../config';
import type { LogSource } from '../logs/source/logSource';
import { buildSource, logAnalytics, type SourceOptions } from './sources';
import { TriageService, type RunContext } from './service';

export { TriageService } from './service';
export interface HubRunContext extends RunContext {
  /** The workspace the access policy granted this conversation; ignored by the embedded source. */
  workspaceId?: string;
}

/** How error explanations name the identity the bot queries as (the Log Analytics source's own wording). */
function identityOf(config: AppConfig): string {
  return config.logs.kind === 'log-analytics'
    ? logAnalytics().describeIdentity(config.logs.credential)
    : 'the local user';
}

export class TriageHub {
  private readonly services = new Map<string, TriageService>();
  readonly description: string;
  private readonly primary: TriageService;

  constructor(
    private readonly config: AppConfig,
    private readonly options: SourceOptions = {},
  ) {
    this.primary = this.build(undefined);
    this.description = this.lastDescription;
  }

  private lastDescription = '';

  private build(workspaceId: string | undefined): TriageService {
    const logs =
      workspaceId && this.config.logs.kind === 'log-analytics'
        ? { ...this.config.logs, workspaceId, resourceId: undefined }
        : this.config.logs;
    const identity = identityOf(this.config);
    const built = buildSource(logs, {
      queryTimeoutSeconds: this.config.queryTimeoutSeconds,
      cacheTtlMs: this.config.cacheTtlMs,
      maxConcurrentQueries: this.config.maxConcurrentQueries,
      queueLimit: this.config.queryQueueLimit,
      retry: this.config.retry,
      identityLabel: identity,
      ...this.options,
    });
    this.lastDescription = built.description;
    return new TriageService({
      source: built.source,
      schemaOverride: this.config.schemaOverride,
      now: built.now,
      answerTimeoutMs: this.config.answerTimeoutSeconds * 1000,
      identity,
    });
  }

  /** The service for a workspace (the default one when none is given or the source is embedded). */
  serviceFor(workspaceId?: string): TriageService {
    if (!workspaceId || this.config.logs.kind !== 'log-analytics' || workspaceId === this.config.logs.workspaceId)
      return this.primary;
    let service = this.services.get(workspaceId);
    if (!service) {
      service = this.build(workspaceId);
      this.services.set(workspaceId, service);
    }
    return service;
  }

  get source(): LogSource {
    return this.primary.source;
  }

  /** The clock commands are read against (the demo's clock stops where its traffic ends). */
  clock(): Date {
    return this.primary.clock();
  }

  parse(text: string, ctx: Partial<ParseContext> = {}): ParseOutcome {
    return this.primary.parse(text, ctx);
  }

  help(problem?: string, suggestions: string[] = []): HelpAnswer {
    return this.primary.help(problem, suggestions);
  }

  run(command: Command, ctx: HubRunContext = {}): Promise<Answer | ErrorAnswer> {
    return this.serviceFor(ctx.workspaceId).run(command, ctx);
  }
}

export function createTriage(
  config: AppConfig,
  options: SourceOptions = {},
): { triage: TriageHub; description: string } {
  const triage = new TriageHub(config, options);
  return { triage, description: triage.description };
}
