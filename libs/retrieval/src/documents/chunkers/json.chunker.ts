import { DocumentParseError } from '../document-parse-error';
import type { Chunk, Chunker, ParsedDocument } from '../document.types';
import { ChunkList } from './chunk-builder';
import { splitByTokens } from './fixed-token.chunker';
import { mergeRanges } from './merge-pieces';
import { countTokens } from './token-codec';

export interface JsonOptions {
  maxTokens: number;
}

/** Room kept for the brackets around a group and the tokenizer merging across joins. */
const WRAP_TOKENS = 4;

/** A JSONPath step: `.key` for identifiers, `["key"]` otherwise, `[i]` for array items. */
export function jsonPathStep(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * JSON chunks along the document's paths: a value that fits `maxTokens` is one chunk (valid
 * JSON); a larger object or array is cut into groups of consecutive members (each a valid JSON
 * object or array, its path in metadata, `$.items[3:7]` for a slice), recursing into members
 * that are too large alone; a string too large alone becomes `path: text` chunks.
 */
export class JsonChunker implements Chunker {
  constructor(private readonly options: JsonOptions) {}

  async chunk(doc: ParsedDocument): Promise<Chunk[]> {
    const list = new ChunkList();
    this.walk(doc.json !== undefined ? doc.json : parseOrThrow(doc.text), '$', list);
    return list.chunks;
  }

  private walk(value: unknown, path: string, list: ChunkList): void {
    const text = JSON.stringify(value) ?? 'null';
    const { maxTokens } = this.options;
    if (countTokens(text) <= maxTokens) return list.add(text, { jsonPath: path });
    if (Array.isArray(value))
      return this.members(
        value.map((v, i) => [i, v] as const),
        path,
        list,
      );
    if (value !== null && typeof value === 'object') {
      return this.members(Object.entries(value as Record<string, unknown>), path, list);
    }
    const label = `${path}: `;
    const budget = Math.max(1, maxTokens - countTokens(label) - 1);
    const raw = typeof value === 'string' ? value : text;
    for (const part of splitByTokens(raw, { maxTokens: budget, overlapTokens: 0 })) {
      list.add(label + part, { jsonPath: path });
    }
  }

  /** Packs fitting members into groups; walks into members too large alone. */
  private members(entries: (readonly [string | number, unknown])[], path: string, list: ChunkList) {
    const budget = Math.max(1, this.options.maxTokens - WRAP_TOKENS);
    const isArray = typeof entries[0]?.[0] === 'number';
    const render = ([k, v]: readonly [string | number, unknown]) =>
      (isArray ? '' : `${JSON.stringify(k)}:`) + (JSON.stringify(v) ?? 'null') + ',';
    let run: (readonly [string | number, unknown])[] = [];
    const flush = () => {
      const pieces = run.map(render);
      for (const [from, to] of mergeRanges(pieces, { maxTokens: budget, overlapTokens: 0 })) {
        const body = pieces.slice(from, to).join('').slice(0, -1);
        const slice = isArray
          ? `${path}[${String(run[from][0])}:${Number(run[to - 1][0]) + 1}]`
          : path;
        list.add(isArray ? `[${body}]` : `{${body}}`, { jsonPath: slice });
      }
      run = [];
    };
    for (const entry of entries) {
      if (countTokens(render(entry)) <= budget) {
        run.push(entry);
        continue;
      }
      flush();
      this.walk(entry[1], path + jsonPathStep(entry[0]), list);
    }
    flush();
  }
}

function parseOrThrow(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new DocumentParseError(
      'invalid-json',
      'The document is not JSON; the JSON chunker needs JSON.',
      'json',
      {
        cause,
      },
    );
  }
}
