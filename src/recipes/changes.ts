/**
 * The "what changed" answer in words, and its line on triage: the control-plane writes to API Management that
 * the changes recipe found in the Activity log, and which new finding began shortly after one of them
 * ("began 3 min after a backends/write of backends/payments-backend by alice@contoso.com").
 */
import type { Command } from '../commands/types';
import type { Cell } from '../kql/types';
import type { Finding } from '../signatures/types';
import { cellTime } from '../kql/cells';
import { redactSecrets } from '../redact';
import { count } from '../words';

type Row = Record<string, Cell>;

/** One finished write or delete, as the changes recipe returns it. */
export interface Change {
  time: number;
  operation: string;
  target: string;
  service: string;
  api: string;
  caller: string;
  status: string;
  inWindow: boolean;
}

/** A failure that begins within this long after a change is placed against it; later ones are not. */
const LEAD_MS = 15 * 60_000;
/** Fewer requests than this in the window is a stray failure that happened to be absent before, not one that began. */
const MIN_REQUESTS = 5;

/** Said when the workspace has no AzureActivity table: how to route the Activity log there. */
const ACTIVITY_LOG_MISSING =
  'This workspace has no Activity log (no AzureActivity table), so control-plane changes cannot be listed. ' +
  'To add it: in the Azure portal, Monitor > Activity log > Export Activity Logs, add a diagnostic setting on the ' +
  'subscription that holds the API Management instance, tick the Administrative category and send it to this Log Analytics workspace (or az monitor diagnostic-settings subscription create). Changes appear about 15 minutes later, from then on only.';

const text = (c: Cell | undefined): string => (typeof c === 'string' ? redactSecrets(c) : '');
const hm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** The recipe's rows as changes, oldest first. */
export function changesFrom(rows: Row[]): Change[] {
  return rows
    .map((r) => ({
      time: cellTime(r.TimeGenerated) ?? NaN,
      operation: text(r.Operation),
      target: text(r.Target),
      service: text(r.Service),
      api: text(r.Api),
      caller: text(r.Caller),
      status: text(r.Status),
      inWindow: r.InWindow === true,
    }))
    .filter((c) => Number.isFinite(c.time))
    .sort((a, b) => a.time - b.time);
}

const succeeded = (c: Change): boolean => !/^fail/i.test(c.status);

/** "a backends/write of backends/payments-backend by alice@contoso.com at 14:14 UTC" */
function described(c: Change): string {
  const what = c.target ? `a ${c.operation} of ${c.target}` : `a ${c.operation}`;
  return `${what} by ${c.caller || 'an unknown caller'} at ${hm(c.time)} UTC`;
}

export function readChanges(
  command: Command,
  changes: Change[],
  activityMissing: boolean,
): { summary: string; verdict?: string; notes: string[] } {
  const where = command.api ? ` (${command.api} and instance-wide)` : '';
  const span = `the ${command.window.label} and the hour before`;
  if (activityMissing) return { summary: `No Activity log in this workspace`, notes: [ACTIVITY_LOG_MISSING] };
  if (changes.length === 0)
    return {
      summary: `No control-plane changes to API Management${where} in ${span}`,
      verdict:
        'Nobody wrote a policy, backend, certificate, API, product, subscription or named value in that time: look at the backends and at the clients instead ("triage").',
      notes: [],
    };
  const inWindow = changes.filter((c) => c.inWindow).length;
  const failed = changes.filter((c) => !succeeded(c)).length;
  const summary = `${count(changes.length, 'control-plane change')} to API Management${where} in ${span} (${inWindow} in the window${failed ? `, ${failed} failed` : ''})`;
  const latest = [...changes].reverse().find(succeeded);
  const verdict = latest
    ? `The latest is ${described(latest)}. A failure that began minutes after a change to the resource it uses points at that change: compare with "triage" and undo or fix it first.`
    : undefined;
  return { summary, ...(verdict ? { verdict } : {}), notes: [] };
}

/** Whether a change can explain a finding: a backend's or an API's own change, or one to the whole instance. */
function touches(c: Change, f: Finding): boolean {
  const [kind, name] = c.target.split('/');
  if (kind === 'backends') return f.backends.some((b) => b.toLowerCase() === name);
  if (kind === 'apis') return f.apis.some((a) => a.toLowerCase() === name);
  return true;
}

/**
 * Places each new finding (none in the compared window, at least MIN_REQUESTS now) against the latest successful change that touches it and
 * finished at most 15 minutes before it was first seen; says so on the finding, and returns the triage note.
 */
export function relateChanges(findings: Finding[], changes: Change[]): string | undefined {
  const placed: { f: Finding; c: Change; minutes: number }[] = [];
  for (const f of findings) {
    const began = Date.parse(f.firstSeen);
    if (f.previousCount > 0 || f.count < MIN_REQUESTS || !Number.isFinite(began)) continue;
    const c = changes
      .filter((x) => succeeded(x) && x.time <= began && began - x.time <= LEAD_MS && touches(x, f))
      .pop();
    if (!c) continue;
    const minutes = Math.round((began - c.time) / 60_000);
    const after = minutes < 1 ? 'less than a minute' : `${minutes} min`;
    (f.related ??= []).push(`Began ${after} after ${described(c)}.`);
    placed.push({ f, c, minutes });
  }
  if (placed.length === 0) return undefined;
  const [first] = placed;
  const others = placed.length > 1 ? ` (and ${count(placed.length - 1, 'other finding')})` : '';
  return `#${first.f.rank} began ${first.minutes < 1 ? 'less than a minute' : `${first.minutes} min`} after ${described(first.c)}${others}: "what changed" lists the control-plane changes.`;
}
