import { OpenAiException } from './openai-error';

/**
 * Switchboard's own resources under `/v1`: they answer problem+json, like every route outside
 * `/v1`. Every other `/v1` path answers in OpenAI's error shape, since an OpenAI SDK or tool
 * is what calls it: the routes the front door implements, and any OpenAI API it does not
 * (yet) offer, which then get a readable 404 instead of a body the SDK cannot read. A new
 * Switchboard resource must be listed here (openai-routes.spec.ts checks every controller).
 */
export const SWITCHBOARD_V1_RESOURCES: ReadonlySet<string> = new Set([
  'jobs',
  'dlq',
  'admin',
  'providers',
  'budgets',
  'costs',
  'tools',
  'collections',
]);

/** The OpenAI-compatible endpoints Switchboard answers, as error messages name them. */
export const OPENAI_ENDPOINTS =
  'POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models and GET /v1/models/<model>';

/** OpenAI APIs by their first path segment, for a 404 that says what was asked for. */
const OPENAI_APIS: Record<string, string> = {
  completions: 'The legacy Completions API',
  responses: 'The Responses API',
  embeddings: 'The Embeddings API',
  assistants: 'The Assistants API',
  threads: 'The Assistants API (threads)',
  files: 'The Files API',
  uploads: 'The Uploads API',
  batches: 'The Batch API',
  images: 'The Images API',
  audio: 'The Audio API',
  moderations: 'The Moderations API',
  fine_tuning: 'Fine-tuning',
  vector_stores: 'The Vector stores API',
  realtime: 'The Realtime API',
  conversations: 'The Conversations API',
  evals: 'The Evals API',
  containers: 'The Containers API',
  videos: 'The Videos API',
  organization: 'The Administration API',
};

function firstSegment(path: string): string | undefined {
  const clean = path.split('?')[0].replace(/\/+$/, '');
  if (clean !== '/v1' && !clean.startsWith('/v1/')) return undefined;
  return clean.split('/')[2] ?? '';
}

/** Whether errors on this path answer in OpenAI's shape (see SWITCHBOARD_V1_RESOURCES). */
export function isOpenAiRoute(path: string | undefined): boolean {
  const segment = path === undefined ? undefined : firstSegment(path);
  return segment !== undefined && !SWITCHBOARD_V1_RESOURCES.has(segment);
}

/** The 404 for an OpenAI path Switchboard has no route for, naming what is supported. */
export function unsupportedEndpoint(method: string, path: string): OpenAiException {
  const clean = path.split('?')[0];
  const api = OPENAI_APIS[firstSegment(clean) ?? ''];
  const what = api ? `${api} (${method} ${clean}) is` : `${method} ${clean} is`;
  return new OpenAiException(404, {
    message:
      `${what} not supported by Switchboard. Its OpenAI-compatible endpoints are ` +
      `${OPENAI_ENDPOINTS}; other work goes through POST /v1/jobs. ` +
      'See docs/openai-compatibility.md.',
    type: 'invalid_request_error',
    param: null,
    code: 'unsupported_endpoint',
  });
}
