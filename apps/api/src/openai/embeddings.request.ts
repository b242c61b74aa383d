import { z } from 'zod';
import { invalidRequest } from './openai-error';
import { issueToError } from './request-issue';

/** OpenAI's own limits: 2048 inputs per request, dimensions up to the model's. */
export const MAX_EMBEDDING_INPUTS = 2048;
const MAX_MODEL_NAME = 256;
const MAX_DIMENSIONS = 65_536;

export interface EmbeddingsRequest {
  model: string;
  input: string[];
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
}

// Not strict: OpenAI ignores fields it does not know (`user` among them), and so do we.
const requestSchema = z.looseObject({
  model: z.string().min(1).max(MAX_MODEL_NAME),
  input: z.unknown(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().min(1).max(MAX_DIMENSIONS).nullish(),
});

/** A POST /v1/embeddings body, or the 400 OpenAI would answer, naming the parameter. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) throw issueToError(body, parsed.error.issues[0]);
  const { model, encoding_format, dimensions } = parsed.data;
  return {
    model,
    input: inputTexts(parsed.data.input),
    encodingFormat: encoding_format ?? 'float',
    ...(dimensions ? { dimensions } : {}),
  };
}

function inputTexts(input: unknown): string[] {
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || texts.length === 0) {
    throw invalidRequest(
      "'input' must be a non-empty string or a non-empty array of strings.",
      'input',
      'invalid_value',
    );
  }
  if (texts.length > MAX_EMBEDDING_INPUTS) {
    throw invalidRequest(
      `'input' has ${texts.length} items; at most ${MAX_EMBEDDING_INPUTS} are allowed.`,
      'input',
      'invalid_value',
    );
  }
  texts.forEach((text, index) => {
    if (typeof text !== 'string') {
      // Token arrays are OpenAI's too, but the tokenizer is the model's: send the text.
      throw invalidRequest(
        `'input[${index}]' must be a string; token arrays are not supported, send the text.`,
        'input',
        'invalid_value',
      );
    }
    if (text.length === 0) {
      throw invalidRequest(`'input[${index}]' must not be empty.`, 'input', 'invalid_value');
    }
  });
  return texts as string[];
}
