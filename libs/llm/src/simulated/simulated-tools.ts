import { createHash } from 'node:crypto';
import type { LlmMessage, LlmTool, ToolCall, ToolChoice } from '../messages/llm-message';
import { sampleJson } from './simulated-json';

/** What the simulated model is asked, as far as tools go. */
export interface SimulatedToolRequest {
  messages: readonly LlmMessage[];
  tools?: readonly LlmTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
}

/**
 * The tool calls the simulated model makes this turn, or none (it answers with text). The rule,
 * chosen so agent loops on `npm start` do something and then end:
 * - no tools, or `toolChoice: 'none'`: never a call;
 * - `'required'`: always; `{name}`: always, exactly one call of that tool;
 * - `'auto'` (the default): a call while no tool result has come back since the last user
 *   message (a fresh question, or a conversation with no tool results yet); once the results of
 *   its calls are in, the model answers with text. So a loop runs one round of tools per user
 *   turn and then ends with a text answer.
 * Which tools are called (one, or two different ones at once when parallelToolCalls is not
 * false and several are offered), their ids and their arguments (valid against each tool's
 * parameters schema) follow from a hash of the conversation and the tools: the same request
 * always gets the same calls.
 */
export function simulatedToolCalls(request: SimulatedToolRequest): ToolCall[] {
  const tools = request.tools ?? [];
  const choice = request.toolChoice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return [];
  if (choice === 'auto' && toolResultsSinceLastUser(request.messages)) return [];
  const seed = createHash('sha256')
    .update(JSON.stringify({ messages: request.messages, tools }))
    .digest();
  const chosen = pickTools(tools, choice, request.parallelToolCalls !== false, seed);
  return chosen.map((tool, i) => {
    const callSeed = `${seed.toString('hex')}:${i}`;
    const id = createHash('sha256').update(`id:${callSeed}`).digest('hex').slice(0, 24);
    return {
      id: `call_${id}`,
      name: tool.name,
      arguments: JSON.stringify(sampleJson(tool.parameters, callSeed)),
    };
  });
}

/** Whether a tool result follows the last user message (or, with none, is anywhere). */
function toolResultsSinceLastUser(messages: readonly LlmMessage[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'tool') return true;
    if (messages[i].role === 'user') return false;
  }
  return false;
}

/**
 * A named choice is that tool (a name not offered is the caller's mistake, as a real provider
 * would say); otherwise one tool by the hash, and a second, different one when parallel calls
 * are allowed, several tools are offered and the hash says so.
 */
function pickTools(
  tools: readonly LlmTool[],
  choice: ToolChoice,
  parallel: boolean,
  seed: Buffer,
): LlmTool[] {
  if (typeof choice === 'object') {
    const named = tools.find((t) => t.name === choice.name);
    if (!named) throw new UnknownToolChoiceError(choice.name);
    return [named];
  }
  const first = seed[0] % tools.length;
  if (!parallel || tools.length < 2 || seed[1] % 2 === 0) return [tools[first]];
  const second = (first + 1 + (seed[2] % (tools.length - 1))) % tools.length;
  return [tools[first], tools[second]];
}

export class UnknownToolChoiceError extends Error {
  constructor(readonly toolName: string) {
    super(`tool_choice names '${toolName}', which is not among the tools offered`);
    this.name = 'UnknownToolChoiceError';
  }
}
