/**
 * The real-world query corpus (queries/*.kql): public API Management log queries kept verbatim, each with its
 * source. A file's header names the source and licence; each query starts at a `// @query <id>` line followed
 * by `// @title`, `// @from`, `// @schema` and optional `// @params` lines, and runs to the next `// @query`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type CorpusSchema = 'resource-specific' | 'resource-specific+llm' | 'azure-diagnostics';

export interface CorpusQuery {
  id: string;
  title: string;
  file: string;
  from: string;
  schema: CorpusSchema;
  /** Workbook parameters the query names, e.g. `{TimeRange:grain}`. */
  params: string[];
  text: string;
}

const SCHEMAS: readonly CorpusSchema[] = ['resource-specific', 'resource-specific+llm', 'azure-diagnostics'];

const QUERY_DIR = join(__dirname, 'queries');

function parseFile(file: string, content: string): CorpusQuery[] {
  const out: CorpusQuery[] = [];
  const blocks = content.split(/^\/\/ @query /m).slice(1);
  for (const block of blocks) {
    const lines = block.split('\n');
    const id = lines[0].trim();
    const meta: Record<string, string> = {};
    let i = 1;
    for (; i < lines.length; i++) {
      const m = /^\/\/ @(\w+) (.*)$/.exec(lines[i]);
      if (!m) break;
      meta[m[1]] = m[2];
    }
    const schema = meta.schema as CorpusSchema;
    if (!SCHEMAS.includes(schema)) throw new Error(`${file} ${id}: unknown @schema "${meta.schema}"`);
    out.push({
      id,
      title: meta.title ?? '',
      file,
      from: meta.from ?? '',
      schema,
      params: meta.params ? meta.params.split(' ') : [],
      text: lines.slice(i).join('\n').trimEnd(),
    });
  }
  return out;
}

export function loadCorpus(): CorpusQuery[] {
  const files = readdirSync(QUERY_DIR)
    .filter((f) => f.endsWith('.kql'))
    .sort();
  return files.flatMap((f) => parseFile(f, readFileSync(join(QUERY_DIR, f), 'utf8')));
}
