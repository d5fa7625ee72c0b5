/**
 * Simulated Teams users: each has its own personal chat and identity, sends one command, waits for
 * the final card (or a refusal), thinks, and repeats until the deadline. Bounded: nothing is sent
 * after `deadline`, and nobody waits past `hardStop`.
 */
import type { Capture, CommandRecord } from './capture';

export const COMMANDS = [
  'triage last 15m',
  'why 401 on orders-api',
  'tls last 1h',
  'breakers last 30m',
  'why 503 on shipping-api',
  'apis last 1h',
];

export interface UserPlan {
  users: number;
  thinkS: number;
  deadline: number;
  hardStop: number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function activityFor(rec: CommandRecord, serviceUrl: string) {
  return {
    type: 'message',
    id: rec.activityId,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    text: rec.text,
    locale: 'en-US',
    from: {
      id: `29:load-user-${rec.user}`,
      name: `Load User ${rec.user}`,
      aadObjectId: `00000000-0000-4000-8000-${String(rec.user).padStart(12, '0')}`,
    },
    recipient: { id: '28:apim-triage', name: 'APIM Triage' },
    conversation: { id: rec.conversationId, conversationType: 'personal', tenantId: 'load-tenant' },
    channelData: { tenant: { id: 'load-tenant' } },
    entities: [{ type: 'clientInfo', locale: 'en-US', timezone: 'UTC' }],
  };
}

/** Sends one command and resolves when its final card (or refusal, or a failure) is recorded. */
export async function sendCommand(
  botUrl: string,
  cap: Capture,
  user: number,
  n: number,
  text: string,
  hardStop: number,
  tag: string,
): Promise<CommandRecord> {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const rec: CommandRecord = {
    user,
    activityId: `${tag}-${user}-${n}`,
    conversationId: `a:${tag}-user-${user}`,
    text,
    sentAt: performance.now(),
    done: () => finish(),
  };
  cap.byConversation.set(rec.conversationId, rec);
  try {
    const res = await fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activityFor(rec, cap.serviceUrl)),
      signal: AbortSignal.timeout(Math.max(1000, Math.floor(hardStop - performance.now()))),
    });
    rec.httpStatus = res.status;
    rec.httpMs = performance.now() - rec.sentAt;
    await res.arrayBuffer();
    if (res.status !== 200) {
      rec.failure = `HTTP ${res.status}`;
      rec.done();
    }
  } catch (err) {
    rec.failure = err instanceof Error ? `${err.name}: ${err.message.slice(0, 80)}` : 'request failed';
    rec.done();
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    finished.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.max(0, hardStop - performance.now())))),
  ]);
  clearTimeout(timer);
  if (timedOut)
    rec.failure ??=
      rec.ackAt === undefined
        ? 'no acknowledgement before the script stopped'
        : 'acknowledged, but no final card before the script stopped';
  if (cap.byConversation.get(rec.conversationId) === rec) cap.byConversation.delete(rec.conversationId);
  return rec;
}

export async function runUser(
  user: number,
  plan: UserPlan,
  botUrl: string,
  cap: Capture,
  out: CommandRecord[],
): Promise<void> {
  // Stagger starts over the first second so the first burst is not one instant.
  await sleep(Math.floor((user / plan.users) * 1000));
  for (let n = 1; performance.now() < plan.deadline && n <= 10_000; n++) {
    const rec = await sendCommand(botUrl, cap, user, n, COMMANDS[(user + n) % COMMANDS.length], plan.hardStop, 'load');
    out.push(rec);
    if (rec.failure && rec.answeredAt === undefined && performance.now() >= plan.hardStop) return;
    // Think time (5-15 s for 10), never past the deadline, so the run ends on time.
    const think = plan.thinkS * 1000 * (0.5 + Math.random());
    if (plan.thinkS > 0) await sleep(Math.max(0, Math.min(think, plan.deadline - performance.now())));
  }
}
