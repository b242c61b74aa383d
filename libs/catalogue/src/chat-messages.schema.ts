import Ajv from 'ajv';
import { z } from 'zod';

/**
 * The public chat conversation (REST job input; the OpenAI routes map onto it): text and image
 * parts, assistant tool calls and tool results. The LLM lib maps it onto its own message type
 * in one place.
 */
const MAX_TEXT = 200_000;

/** Tool names as every provider accepts them (OpenAI's rule is the strictest). */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const textPart = z.strictObject({ type: z.literal('text'), text: z.string().max(MAX_TEXT) });
const imageUrlPart = z.strictObject({
  type: z.literal('image'),
  url: z
    .string()
    .max(8_192)
    .regex(/^https?:\/\//i, 'an http(s) URL'),
});
const imageDataPart = z.strictObject({
  type: z.literal('image'),
  /** Base64, without the `data:` prefix. */
  data: z
    .string()
    .min(1)
    .max(7_000_000)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
  mediaType: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
});
export const contentPartSchema = z.union([textPart, imageUrlPart, imageDataPart]);

export const toolCallSchema = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().regex(TOOL_NAME, 'letters, digits, _ and -, at most 64'),
  /** JSON text of the arguments, as the model wrote it. */
  arguments: z.string().max(MAX_TEXT),
});

export const chatMessageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string().min(1).max(MAX_TEXT) }),
  z.strictObject({
    role: z.literal('user'),
    content: z.union([z.string().min(1).max(MAX_TEXT), z.array(contentPartSchema).min(1).max(100)]),
  }),
  z
    .strictObject({
      role: z.literal('assistant'),
      content: z.string().max(MAX_TEXT),
      toolCalls: z.array(toolCallSchema).min(1).max(128).optional(),
    })
    .refine((m) => m.content.length > 0 || m.toolCalls, {
      message: 'an assistant message needs content or toolCalls',
    }),
  z.strictObject({
    role: z.literal('tool'),
    toolCallId: z.string().min(1).max(200),
    name: z.string().regex(TOOL_NAME),
    content: z.string().max(MAX_TEXT),
    isError: z.boolean().optional(),
  }),
]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

const ajv = new Ajv({ strict: false, validateSchema: true });

/** A JSON Schema document, checked against the JSON Schema meta-schema. */
const jsonSchemaObject = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  // Checked against ajv's meta-schema whatever `$schema` says (zod 4 and LangChain write
  // draft 2020-12's, which ajv would throw on as an unknown meta-schema: a 500, not a 400).
  const { $schema: _declared, ...body } = schema;
  if (!ajv.validateSchema(body)) {
    ctx.addIssue({ code: 'custom', message: `not a valid JSON Schema: ${ajv.errorsText()}` });
  } else if (schema.type !== undefined && schema.type !== 'object') {
    ctx.addIssue({
      code: 'custom',
      message: 'tool parameters must be a JSON Schema of type object',
    });
  }
});

/** A function the model may call; the client (not Switchboard) runs it. */
export const toolDefinitionSchema = z.strictObject({
  name: z.string().regex(TOOL_NAME, 'letters, digits, _ and -, at most 64'),
  description: z.string().max(4_096).optional(),
  parameters: jsonSchemaObject.default({ type: 'object', properties: {} }),
});

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ name: z.string().regex(TOOL_NAME) }),
]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: z.string().regex(TOOL_NAME),
    schema: jsonSchemaObject,
    strict: z.boolean().optional(),
  }),
]);

/** Tool calling and structured output controls of a chat request. */
export const toolControls = {
  tools: z
    .array(toolDefinitionSchema)
    .min(1)
    .max(128)
    .superRefine((tools, ctx) => {
      const seen = new Set<string>();
      tools.forEach((tool, i) => {
        if (seen.has(tool.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `duplicate tool '${tool.name}'`,
          });
        seen.add(tool.name);
      });
    })
    .optional(),
  toolChoice: toolChoiceSchema.optional(),
  parallelToolCalls: z.boolean().optional(),
  responseFormat: responseFormatSchema.optional(),
};

/** `toolChoice` must name a tool of `tools`, and needs tools at all unless it is `none`. */
export function toolChoiceProblem(input: {
  tools?: { name: string }[];
  toolChoice?: z.infer<typeof toolChoiceSchema>;
}): string | undefined {
  const choice = input.toolChoice;
  if (choice === undefined || choice === 'none' || choice === 'auto') return undefined;
  if (!input.tools) return 'toolChoice needs tools';
  if (typeof choice === 'object' && !input.tools.some((t) => t.name === choice.name)) {
    return `toolChoice names '${choice.name}', which is not among tools`;
  }
  return undefined;
}
