import type { JobResult } from '@switchboard/catalogue';
import { NoCandidateError, type LlmMessage, type LlmResponse } from '@switchboard/llm';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';
import {
  parseDraftAnswer,
  retrievedChunks,
  validateCitations,
  type RetrievedChunk,
} from './researcher-citations';
import { singleCall } from './single-call';

const SYSTEM =
  'You are a research assistant. Answer the question using the context when given. ' +
  'Say plainly what you do not know; do not invent sources.';

const WITH_COLLECTIONS =
  ' Search the collections listed below with the search_collection tool (several queries ' +
  'if the first finds little) before you answer. Answer only from passages it returned. ' +
  'Give your final answer as JSON: {"answer": "...", "citations": [{"chunkId": "...", ' +
  '"quote": "a short exact quote"}]}, citing the chunkId of every passage you used.';

/** LLM turns of the search loop, the answer included. */
const MAX_TURNS = 6;

@Actor('researcher')
export class ResearcherActor implements ActorHandler<'researcher'> {
  async handle(
    message: ActorMessage<'researcher'>,
    ctx: ActorContext,
  ): Promise<JobResult<'researcher'>> {
    const { input } = message;
    const user = [
      `Question: ${input.question}`,
      input.context && `Context:\n${input.context}`,
      input.collections && `Collections: ${input.collections.join(', ')}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    if (!input.collections) {
      const { finishReason: _, ...answer } = await singleCall(ctx, SYSTEM, user, input);
      return { ...answer, answer: answer.text, citations: [] };
    }
    const { model, maxTokens, temperature } = input;
    const controls = { model, maxTokens, temperature };
    const ask = (system: string): LlmMessage[] => [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ];
    let response: LlmResponse;
    let retrieved = new Map<string, RetrievedChunk>();
    try {
      // search_collection by default; a job that named its tools (allowedTools) gets those.
      const run = await ctx.tools.run({
        messages: ask(SYSTEM + WITH_COLLECTIONS),
        tools: message.allowedTools ? undefined : ['search_collection'],
        maxTurns: MAX_TURNS,
        ...controls,
      });
      response = run.response;
      retrieved = retrievedChunks(run.calls);
      if (run.stoppedBy !== 'answer') {
        const last: LlmMessage = { role: 'user', content: 'Give your final answer now.' };
        response = await ctx.llm.chat({ messages: [...run.messages, last], ...controls });
      }
    } catch (error) {
      // No model of this tier can call tools: answer without the collections.
      if (!(error instanceof NoCandidateError)) throw error;
      response = await ctx.llm.chat({ messages: ask(SYSTEM), ...controls });
    }
    const draft = parseDraftAnswer(response.text, retrieved);
    const citations = validateCitations(draft.citations, retrieved);
    const { model: served, provider } = response;
    return {
      text: draft.answer,
      answer: draft.answer,
      citations,
      usage: ctx.usage(),
      model: served,
      provider,
    };
  }
}
