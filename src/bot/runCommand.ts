/** Runs one command with a deadline and turns every failure into an ErrorAnswer a person can act on. */
import type { Answer, ErrorAnswer } from '../answer';
import type { Command } from '../commands/types';
import { errorText } from '../redact';
import type { Logger, Triage } from './ports';

class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`No answer after ${Math.round(ms / 1000)} s`);
  }
}

function timeoutAnswer(command: Command, ms: number): ErrorAnswer {
  const s = Math.round(ms / 1000);
  return {
    type: 'error',
    command,
    title: 'The query took too long',
    what: `"${command.text}" had no answer after ${s} s, so the bot stopped waiting and cancelled the query.`,
    cause: 'The log workspace is slow or busy right now, or the time window covers a lot of traffic.',
    fix: [
      'Try a shorter window, for example "triage last 15m"',
      'Press "Try again" in a minute: Log Analytics queues queries when it is busy',
    ],
    code: 'Timeout',
    retryable: true,
  };
}

/** The bot is shutting down and gave up on this answer: say so, so nobody waits on a dead card. */
function restartingAnswer(command: Command): ErrorAnswer {
  return {
    type: 'error',
    command,
    title: 'The bot restarted before this answer was ready',
    what: `The bot was shut down (a deployment or restart) while "${command.text}" was still running, so the query was cancelled.`,
    cause: 'The bot instance that took the command is stopping; nothing is wrong with the command.',
    fix: ['Press "Try again" or type the command again in a minute'],
    code: 'ShuttingDown',
    retryable: true,
  };
}

function unexpectedAnswer(command: Command, reference: string): ErrorAnswer {
  return {
    type: 'error',
    command,
    title: 'Something went wrong running that command',
    what: `The bot hit an unexpected error while running "${command.text}".`,
    cause: `This is a fault in the bot, not in your command. The bot's log has the details under reference ${reference}.`,
    fix: ['Press "Try again"; if it fails the same way, give the reference to whoever runs the bot'],
    code: 'InternalError',
    retryable: true,
  };
}

/**
 * Never rejects. The deadline is enforced here even if the triage ignores its AbortSignal, so an answer
 * that takes too long still ends in an explained error on the card.
 */
export async function runWithDeadline(
  triage: Triage,
  command: Command,
  opts: {
    requestedBy?: string;
    workspaceId?: string;
    timeZone?: string;
    timeoutMs: number;
    logger: Logger;
    reference: string;
    /** Aborted when the bot shuts down: the run is cancelled and answered with restartingAnswer. */
    shutdown?: AbortSignal;
  },
): Promise<Answer | ErrorAnswer> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onShutdown: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineExceeded(opts.timeoutMs);
      ac.abort(err);
      reject(err);
    }, opts.timeoutMs);
  });
  const shutdown = new Promise<ErrorAnswer>((resolve) => {
    onShutdown = () => {
      ac.abort(new Error('shutting down'));
      resolve(restartingAnswer(command));
    };
    if (opts.shutdown?.aborted) onShutdown();
    else opts.shutdown?.addEventListener('abort', onShutdown, { once: true });
  });
  try {
    return await Promise.race([
      triage.run(command, {
        requestedBy: opts.requestedBy,
        workspaceId: opts.workspaceId,
        timeZone: opts.timeZone,
        signal: ac.signal,
      }),
      deadline,
      shutdown,
    ]);
  } catch (err) {
    if (opts.shutdown?.aborted) return restartingAnswer(command);
    if (err instanceof DeadlineExceeded || ac.signal.aborted) {
      opts.logger.warn('command timed out', {
        command: command.text,
        timeoutMs: opts.timeoutMs,
        reference: opts.reference,
      });
      return timeoutAnswer(command, opts.timeoutMs);
    }
    opts.logger.error('command failed', {
      command: command.text,
      reference: opts.reference,
      error: errorText(err),
    });
    return unexpectedAnswer(command, opts.reference);
  } finally {
    clearTimeout(timer);
    if (onShutdown) opts.shutdown?.removeEventListener('abort', onShutdown);
  }
}
