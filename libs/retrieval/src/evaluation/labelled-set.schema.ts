import { z } from 'zod';

/** A relevance grade: 3 answers the query, 2 highly related, 1 partially related, 0 not. */
export const GradeSchema = z.number().int().min(0).max(3);

const GradesSchema = z
  .record(z.string().min(1), GradeSchema)
  .refine((grades) => Object.keys(grades).length > 0, 'must name at least one document');

/** One line of documents.jsonl. `title` and `metadata` are optional for a user's own files. */
export const LabelledDocumentLineSchema = z.object({
  id: z.string().min(1),
  title: z.string().optional(),
  text: z.string(),
  metadata: z
    .looseObject({
      doc_type: z.string().optional(),
      source: z.string().optional(),
      created_at: z.string().optional(),
      tags: z.array(z.string()).optional(),
    })
    .optional(),
});

/**
 * One line of queries.jsonl: judgements by document id (`relevant`) or by the documents'
 * `metadata.source` (`relevantBySource`, handy for a user's own collection of files).
 */
export const LabelledQueryLineSchema = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1),
    kind: z.string().optional(),
    relevant: GradesSchema.optional(),
    relevantBySource: GradesSchema.optional(),
  })
  .refine((q) => (q.relevant === undefined) !== (q.relevantBySource === undefined), {
    message: 'give exactly one of relevant (by document id) or relevantBySource',
  });

export type LabelledDocument = z.infer<typeof LabelledDocumentLineSchema>;

export interface LabelledQuery {
  id: string;
  text: string;
  kind?: string;
  /** Grade per document id (judgements by source are resolved to ids on load). */
  relevant: ReadonlyMap<string, number>;
}

export interface LabelledSet {
  documents: LabelledDocument[];
  queries: LabelledQuery[];
}
