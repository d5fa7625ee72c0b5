/**
 * API names as a person types them, matched to the APIs a workspace has: case, spaces or underscores for
 * hyphens, a missing "-api" suffix and one or two typos are forgiven; anything less close is not guessed.
 */
import { editDistance } from './parse';

export type ApiResolution =
  /** The one known API the typed name means (`exact` when only case differed, or not at all). */
  | { kind: 'match'; api: string; exact: boolean }
  /** No known API, or several, are that close: the candidates to offer, closest first (at most 5). */
  | { kind: 'unknown'; candidates: string[] };

/** "Payments_API", "payments api", "payments" -> "payments": the part of a name that tells APIs apart. */
function stem(name: string): string {
  return name
    .toLowerCase()
    .replace(/[\s_.]+/g, '-')
    .replace(/-?api$/, '')
    .replace(/^-+|-+$/g, '');
}

/** Typos forgiven: one in a short stem, two from six letters on. */
function typoBudget(typedStem: string): number {
  return typedStem.length >= 6 ? 2 : 1;
}

export function resolveApi(typed: string, known: string[]): ApiResolution {
  const apis = [...new Set(known)];
  const same = apis.filter((a) => a.toLowerCase() === typed.toLowerCase());
  if (same.length === 1) return { kind: 'match', api: same[0], exact: same[0] === typed };
  const t = stem(typed);
  const scored = apis
    .map((api) => ({ api, d: editDistance(t, stem(api)) }))
    .sort((a, b) => a.d - b.d || a.api.localeCompare(b.api));
  const sameStem = scored.filter((s) => s.d === 0);
  if (sameStem.length === 1) return { kind: 'match', api: sameStem[0].api, exact: false };
  const close = scored.filter((s) => s.d <= typoBudget(t));
  if (close.length === 1) return { kind: 'match', api: close[0].api, exact: false };
  // Several close: offer those; none close: offer the prefix/substring hits, else nothing to guess from.
  const offered =
    close.length > 1
      ? close
      : t.length >= 3
        ? scored.filter((s) => stem(s.api).includes(t) || t.includes(stem(s.api)))
        : [];
  return { kind: 'unknown', candidates: offered.slice(0, 5).map((s) => s.api) };
}
