/**
 * Buttons laid out for the narrowest card (a 360 px phone). A client draws an ActionSet's buttons side by side
 * and cuts what does not fit ("Compare with ye…"), so titles are kept to what one row holds and the buttons are
 * packed into as many ActionSets (rows) as they need. Widths are estimated from the title's length: Teams'
 * semi-bold 14 px text averages under 8 px per character.
 */
import { plainText } from './sanitize';
import { PHONE_ROOM_PX } from './textWidth';

const CHAR_PX = 8;
/** A button's padding and border around its title. */
const BUTTON_PX = 26;
/** Space between two buttons of one row. */
const GAP_PX = 8;
/** Longest title that fits one phone-width row on its own. */
const TITLE_CHARS = Math.floor((PHONE_ROOM_PX - BUTTON_PX) / CHAR_PX);

export interface Button {
  title: string;
  command: string;
}

/** A button title no wider than a phone's row, cut at a word with "…" when it must be (the command is whole). */
export function buttonTitle(text: string): string {
  return plainText(text, TITLE_CHARS);
}

function width(b: Button): number {
  return [...b.title].length * CHAR_PX + BUTTON_PX;
}

/** Buttons in order, packed greedily into rows that fit a phone-width card. */
export function buttonRows(buttons: Button[]): { buttons: Button[] }[] {
  const rows: { buttons: Button[]; px: number }[] = [];
  for (const b of buttons) {
    const last = rows[rows.length - 1];
    if (last && last.px + GAP_PX + width(b) <= PHONE_ROOM_PX) {
      last.buttons.push(b);
      last.px += GAP_PX + width(b);
    } else rows.push({ buttons: [b], px: width(b) });
  }
  return rows.map((r) => ({ buttons: r.buttons }));
}
