import { z } from 'zod';
import { llmResultFields, modelControls } from '../common.schema';
import { defineJob } from '../job-definition';
import { roleOptions } from '../job-options';

/** A passage the answer rests on: a chunk a search of this job returned. */
export const citationSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  source: z.string(),
  quote: z.string().optional(),
});

export const researcherJob = defineJob({
  description:
    'Answers a question from the given context, or from the named collections (searched ' +
    'with search_collection), citing the passages it used.',
  input: z.strictObject({
    question: z.string().min(1).max(20_000),
    context: z.string().max(500_000).optional(),
    /** Collection ids of the job's tenant to search; absent: no search, no citations. */
    collections: z.array(z.string().min(1).max(200)).min(1).max(10).optional(),
    ...modelControls,
  }),
  result: z.object({
    ...llmResultFields,
    /** The answer (the same as `text`). */
    answer: z.string().optional(),
    /** Chunks retrieved in this job that the answer cites (empty without collections). */
    citations: z.array(citationSchema).optional(),
  }),
  options: roleOptions({ timeoutMs: 600_000 }),
  tools: [
    'search_collection',
    'http_fetch',
    'json_query',
    'calculator',
    'current_time',
    'memory__*',
  ],
});
