import type { JobResult } from '@switchboard/catalogue';
import { NoCandidateError, type LlmMessage, type LlmResponse } from '@switchboard/llm';
import { Actor } from '../actor.decorator';
import type { ActorContext, ActorHandler, ActorMessage } from '../actor.types';

const SYSTEM =
  'You are a careful software engineer. Write correct, idiomatic code for the task. ' +
  'Answer with the code first, then a short note on anything the reader must know.';

const WITH_TOOLS =
  ' Before you answer, check JavaScript or TypeScript you wrote with the code_check tool ' +
  '(syntax errors with line and column, complexity) and fix what it reports; a function ' +
  'above complexity 10 or nesting 4 deserves splitting.';

/** LLM turns the check may take, the answer included. */
const MAX_TURNS = 4;

@Actor('coder')
export class CoderActor implements ActorHandler<'coder'> {
  async handle(message: ActorMessage<'coder'>, ctx: ActorContext): Promise<JobResult<'coder'>> {
    const { input } = message;
    const files = (input.files ?? []).map((f) => `--- ${f.path}\n${f.content}`).join('\n\n');
    const user = [
      `Task: ${input.task}`,
      input.language && `Language: ${input.language}`,
      files && `Files:\n${files}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const { model, maxTokens, temperature } = input;
    const controls = { model, maxTokens, temperature };
    const ask = (system: string): LlmMessage[] => [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ];
    let response: LlmResponse;
    try {
      // code_check by default; a job that named its tools (allowedTools) gets those instead.
      const run = await ctx.tools.run({
        messages: ask(SYSTEM + WITH_TOOLS),
        tools: message.allowedTools ? undefined : ['code_check'],
        maxTurns: MAX_TURNS,
        ...controls,
      });
      response = run.response;
      if (run.stoppedBy !== 'answer') {
        const last: LlmMessage = { role: 'user', content: 'Give your final answer now.' };
        response = await ctx.llm.chat({ messages: [...run.messages, last], ...controls });
      }
    } catch (error) {
      // No model of this tier can call tools: answer without the check.
      if (!(error instanceof NoCandidateError)) throw error;
      response = await ctx.llm.chat({ messages: ask(SYSTEM), ...controls });
    }
    const { text, model: served, provider } = response;
    return { text, usage: ctx.usage(), model: served, provider };
  }
}
