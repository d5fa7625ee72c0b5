/**
 * Text colours of the light and dark host configs the pictures and the budget test use: every colour a card can
 * ask for (Default, Accent, Good, Warning, Attention; normal and subtle) on every container style keeps a WCAG
 * contrast ratio of at least 4.5:1.
 */
import { TEAMS_DARK_HOST_CONFIG, TEAMS_HOST_CONFIG } from '../../scripts/lib/chromium';

/** WCAG 2.x relative luminance of "#RRGGBB". */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('the WCAG formula: black on white is 21:1, grey #767676 on white just passes', () => {
  expect(contrast('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
  expect(contrast('#767676', '#FFFFFF')).toBeGreaterThan(4.5);
  expect(contrast('#777777', '#FFFFFF')).toBeLessThan(4.5);
});

const USED = ['default', 'accent', 'good', 'warning', 'attention'] as const;

test.each([
  ['light', TEAMS_HOST_CONFIG],
  ['dark', TEAMS_DARK_HOST_CONFIG],
])('%s theme: every text colour on every container style is at least 4.5:1', (_name, config) => {
  expect(Object.keys(config.containerStyles)).toHaveLength(6);
  const weak: string[] = [];
  for (const [style, p] of Object.entries(config.containerStyles)) {
    for (const colour of USED) {
      for (const shade of ['default', 'subtle'] as const) {
        const fg = p.foregroundColors[colour][shade];
        const ratio = contrast(fg, p.backgroundColor);
        if (ratio < 4.5) weak.push(`${colour}/${shade} ${fg} on ${style} ${p.backgroundColor}: ${ratio.toFixed(2)}`);
      }
    }
  }
  expect(weak).toEqual([]);
});
