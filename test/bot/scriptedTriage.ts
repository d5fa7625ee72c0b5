/**
 * A Triage made of the real command parser and help text, whose run() returns a prepared reply and can be
 * held open: tests release it when they have checked what happened before the answer.
 */
import type { Answer, ErrorAnswer, HelpAnswer } from '../../src/answer';
import type { Command } from '../../src/commands/types';
import { parseCommand } from '../../src/commands/parse';
import { helpCommands } from '../../src/commands/help';
import type { Triage, TriageRunContext } from '../../src/bot/ports';

export class ScriptedTriage implements Triage {
  readonly runs: { command: Command; ctx: TriageRunContext }[] = [];
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  constructor(public reply: (command: Command) => Answer | ErrorAnswer) {}

  /** Until release() is called, run() waits (and honours its AbortSignal). */
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  /** Never answers and ignores the signal: the bot's own deadline must still end the wait. */
  hang(): void {
    this.gate = new Promise(() => {});
  }

  parse(text: string, ctx: { now: Date; timeZone?: string }) {
    return parseCommand(text, ctx);
  }

  async run(command: Command, ctx: TriageRunContext): Promise<Answer | ErrorAnswer> {
    this.runs.push({ command, ctx });
    await this.gate;
    return { ...this.reply(command), command, requestedBy: ctx.requestedBy } as Answer | ErrorAnswer;
  }

  help(problem?: string, suggestions: string[] = []): HelpAnswer {
    return { type: 'help', problem, suggestions, commands: helpCommands() };
  }
}
