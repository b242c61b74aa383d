import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { LabelledSetError } from './labelled-set-error';
import {
  LabelledDocumentLineSchema,
  LabelledQueryLineSchema,
  type LabelledDocument,
  type LabelledQuery,
  type LabelledSet,
} from './labelled-set.schema';

export interface LabelledSetFiles {
  /** Defaults to `<dir>/documents.jsonl`; optional when every query judges by document id. */
  documents?: string;
  /** Defaults to `<dir>/queries.jsonl`. */
  queries?: string;
}

/**
 * Reads and validates a labelled set (the shipped corpus or a user's own files). Every
 * problem is a LabelledSetError naming the file and the line.
 */
export function loadLabelledSet(dir: string, files: LabelledSetFiles = {}): LabelledSet {
  const documentsFile = files.documents ?? join(dir, 'documents.jsonl');
  const queriesFile = files.queries ?? join(dir, 'queries.jsonl');
  if (!existsSync(queriesFile)) throw new LabelledSetError(queriesFile, undefined, 'not found');
  const documents = existsSync(documentsFile)
    ? parseDocuments(readFileSync(documentsFile, 'utf8'), basename(documentsFile))
    : undefined;
  const queries = parseQueries(readFileSync(queriesFile, 'utf8'), basename(queriesFile), documents);
  return { documents: documents ?? [], queries };
}

export function parseDocuments(content: string, file = 'documents.jsonl'): LabelledDocument[] {
  const seen = new Map<string, number>();
  return jsonLines(content, file, LabelledDocumentLineSchema).map(({ line, value }) => {
    const first = seen.get(value.id);
    if (first !== undefined)
      throw new LabelledSetError(file, line, `duplicate id "${value.id}" (first on line ${first})`);
    seen.set(value.id, line);
    return value;
  });
}

/** Queries, with judgements resolved to document ids and checked against the documents. */
export function parseQueries(
  content: string,
  file = 'queries.jsonl',
  documents?: readonly LabelledDocument[],
): LabelledQuery[] {
  const ids = documents && new Set(documents.map((d) => d.id));
  const bySource = new Map<string, string[]>();
  for (const d of documents ?? []) {
    const source = d.metadata?.source;
    if (source) bySource.set(source, [...(bySource.get(source) ?? []), d.id]);
  }
  const seen = new Set<string>();
  return jsonLines(content, file, LabelledQueryLineSchema).map(({ line, value }) => {
    if (seen.has(value.id)) throw new LabelledSetError(file, line, `duplicate id "${value.id}"`);
    seen.add(value.id);
    const relevant = new Map<string, number>();
    for (const [id, grade] of Object.entries(value.relevant ?? {})) {
      if (ids && !ids.has(id)) throw new LabelledSetError(file, line, `unknown document "${id}"`);
      relevant.set(id, grade);
    }
    for (const [source, grade] of Object.entries(value.relevantBySource ?? {})) {
      if (!documents)
        throw new LabelledSetError(file, line, 'relevantBySource needs a documents file');
      const matched = bySource.get(source);
      if (!matched) throw new LabelledSetError(file, line, `no document has source "${source}"`);
      for (const id of matched) relevant.set(id, Math.max(grade, relevant.get(id) ?? 0));
    }
    return {
      id: value.id,
      text: value.text,
      ...(value.kind ? { kind: value.kind } : {}),
      relevant,
    };
  });
}

function jsonLines<S extends z.ZodType>(content: string, file: string, schema: S) {
  const rows: { line: number; value: z.infer<S> }[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw new LabelledSetError(file, line, `invalid JSON (${(error as Error).message})`);
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      throw new LabelledSetError(file, line, `${where}${issue.message}`);
    }
    rows.push({ line, value: result.data });
  });
  if (rows.length === 0) throw new LabelledSetError(file, undefined, 'has no entries');
  return rows;
}
