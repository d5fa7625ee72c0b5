/**
 * A plain-text rendering of an Adaptive Card: what a reader would see with every toggle opened.
 * Used by tests (assert on visible text, not JSON paths) and for logs/CLI previews.
 */
import { asText } from './sanitize';

type Node = Record<string, unknown>;

function unescapeMd(s: string): string {
  return s.replace(/\\([\\`*_[\]().\-+])/g, '$1');
}

function inline(n: Node): string {
  if (n.type === 'TextBlock') return unescapeMd(asText(n.text));
  if (n.type === 'RichTextBlock') {
    return ((n.inlines as Node[] | undefined) ?? []).map((r) => (typeof r === 'string' ? r : asText(r.text))).join('');
  }
  return '';
}

function walk(n: Node, out: string[], indent: string): void {
  switch (n.type) {
    case 'TextBlock':
    case 'RichTextBlock':
      for (const line of inline(n).split('\n')) out.push(indent + line);
      return;
    case 'FactSet':
      for (const f of (n.facts as Node[] | undefined) ?? [])
        out.push(`${indent}${asText(f.title)}: ${unescapeMd(asText(f.value))}`);
      return;
    case 'ColumnSet': {
      const cells = ((n.columns as Node[] | undefined) ?? []).map((c) => {
        const parts: string[] = [];
        for (const item of (c.items as Node[] | undefined) ?? []) walk(item, parts, '');
        return parts.join(' / ');
      });
      out.push(indent + cells.filter(Boolean).join(' | '));
      return;
    }
    case 'Table':
      for (const row of (n.rows as Node[] | undefined) ?? []) {
        const cells = ((row.cells as Node[] | undefined) ?? []).map((c) => {
          const parts: string[] = [];
          for (const item of (c.items as Node[] | undefined) ?? []) walk(item, parts, '');
          return parts.join(' ');
        });
        out.push(indent + cells.join(' | '));
      }
      return;
    case 'Container':
      for (const item of (n.items as Node[] | undefined) ?? [])
        walk(item, out, n.isVisible === false ? indent + '  ' : indent);
      return;
    case 'ActionSet':
      out.push(indent + actions(n.actions as Node[] | undefined));
      return;
    default:
      // Chart.* (Teams-only): what a reader without chart support sees is the fallback.
      if (typeof n.type === 'string' && n.type.startsWith('Chart.') && n.fallback && typeof n.fallback === 'object')
        walk(n.fallback as Node, out, indent);
      return;
  }
}

function actions(list: Node[] | undefined): string {
  return (list ?? []).map((a) => `[${asText(a.title ?? a.type)}]`).join(' ');
}

export function cardToText(card: object): string {
  const c = card as Node;
  const out: string[] = [];
  for (const item of (c.body as Node[] | undefined) ?? []) walk(item, out, '');
  const acts = actions(c.actions as Node[] | undefined);
  if (acts) out.push(acts);
  return out.join('\n');
}
