import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendFailure, type AnswerContext } from './answer-context';
import { anthropicProtocol } from './anthropic.protocol';
import { answerChat } from './chat-responder';
import { answerEmbed } from './embed-responder';
import type {
  FakeBehaviour,
  FakeKind,
  FakeOptions,
  FakeProviderServer,
  FakeResponder,
  ReceivedRequest,
} from './fake-provider.types';
import { CallTracker, FakeStatsTracker, type FakeCall } from './fake-stats';
import { HttpExchange } from './http-exchange';
import { ollamaProtocol } from './ollama.protocol';
import { openaiProtocol } from './openai.protocol';
import { InvalidRequest, type WireProtocol } from './wire-protocol';

const PROTOCOLS: Record<FakeKind, WireProtocol> = {
  openai: openaiProtocol,
  anthropic: anthropicProtocol,
  ollama: ollamaProtocol,
};

const ID_PREFIX: Record<FakeKind, string> = {
  openai: 'chatcmpl-fake',
  anthropic: 'msg_fake',
  ollama: 'ollama-fake',
};

const OK: FakeBehaviour = { type: 'ok' };

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** Health and model listing: fine, unless the default behaviour says the provider is down. */
function answerHealth(ctx: AnswerContext, path: string, fallback: FakeBehaviour): void {
  if (fallback.type === 'status') return sendFailure(ctx, fallback, 0);
  if (fallback.type === 'hang') return;
  const answer = ctx.protocol.health(path);
  if (typeof answer === 'string') ctx.exchange.sendText(200, answer, 'text/plain; charset=utf-8');
  else ctx.exchange.sendJson(200, answer);
}

/**
 * Starts a fake of one provider on 127.0.0.1. It is a real HTTP server speaking the provider's
 * wire protocol, so the official SDK (and a worker process over TCP) talks to it unchanged.
 */
/** The text a call is known by: the last chat message, or the first input to embed. */
function promptOf(body: any): string {
  const last = Array.isArray(body?.messages) ? body.messages.at(-1)?.content : undefined;
  if (typeof last === 'string') return last;
  if (last !== undefined) return JSON.stringify(last);
  const input = body?.input;
  return typeof input === 'string' ? input : Array.isArray(input) ? String(input[0]) : '';
}

export async function startFakeProvider(
  kind: FakeKind,
  options: FakeOptions = {},
): Promise<FakeProviderServer> {
  const protocol = PROTOCOLS[kind];
  const tracker = new FakeStatsTracker();
  const received: ReceivedRequest[] = [];
  const calls: FakeCall[] = [];
  const inputFactor = options.inputTokenFactor ?? 1;
  const open = new Set<HttpExchange>();
  let queue: FakeBehaviour[] = [];
  let fallback = OK;
  let responder: FakeResponder | undefined;
  const next = (request: ReceivedRequest): FakeBehaviour =>
    responder?.(request) ?? queue.shift() ?? fallback;
  let ids = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    tracker.stats.requests++;
    const call: FakeCall = {
      prompt: '',
      inputTokens: 0,
      outputTokens: 0,
      completed: false,
      aborted: false,
    };
    const exchange = new HttpExchange(req, res, () => {
      call.aborted = true;
      tracker.countAbort();
    });
    open.add(exchange);
    res.on('close', () => open.delete(exchange));
    const ctx: AnswerContext = {
      exchange,
      protocol,
      tracker: new CallTracker(tracker, call),
      tokensPerResponse: options.tokensPerResponse ?? 8,
      tokenDelayMs: options.tokenDelayMs ?? 0,
      nextId: () => `${ID_PREFIX[kind]}-${++ids}`,
    };
    const path = (req.url ?? '/').split('?')[0];
    const route = protocol.route(req.method ?? 'GET', path);
    const body = await readBody(req);

    if (route === undefined) {
      exchange.sendJson(404, protocol.errorBody(404, `Not found: ${req.method} ${path}`, 0));
      return;
    }
    if (route === 'health') return answerHealth(ctx, path, fallback);

    const receivedRequest: ReceivedRequest = { path, body, headers: req.headers };
    received.push(receivedRequest);
    call.prompt = promptOf(body);
    calls.push(call);
    if (route === 'chat') tracker.stats.chatRequests++;
    else if (route === 'rerank') tracker.stats.rerankRequests++;
    else tracker.stats.embedRequests++;
    try {
      // The body is read first: a request refused as invalid does not use up a behaviour.
      if (route === 'chat') {
        const request = protocol.readChat(body);
        request.inputTokens = Math.ceil(request.inputTokens * inputFactor);
        const behaviour = next(receivedRequest);
        await answerChat(ctx, request, behaviour);
        call.completed =
          (behaviour.type === 'ok' || behaviour.type === 'delay-first-token') &&
          res.writableEnded &&
          !call.aborted;
        return;
      }
      if (route === 'rerank') {
        const rerank = protocol.rerank;
        if (!rerank) throw new InvalidRequest(`${kind} has no rerank API`);
        return await answerEmbed(ctx, rerank, rerank.read(body), next(receivedRequest));
      }
      const codec = protocol.embed;
      if (!codec) throw new InvalidRequest(`${kind} has no embeddings API`);
      const request = codec.read(body);
      return await answerEmbed(ctx, codec, request, next(receivedRequest));
    } catch (error) {
      if (!(error instanceof InvalidRequest)) throw error;
      exchange.sendJson(400, protocol.errorBody(400, error.message, 0));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    kind,
    origin,
    port,
    url: `${origin}${protocol.basePath}`,
    stats: tracker.stats,
    received,
    calls,
    script: (...behaviours) => void queue.push(...behaviours),
    respond: (fn) => void (responder = fn),
    setDefault: (behaviour) => void (fallback = behaviour),
    reset() {
      queue = [];
      fallback = OK;
      responder = undefined;
      received.length = 0;
      calls.length = 0;
      tracker.reset();
    },
    waitForAborts: (n, timeoutMs = 5000) => tracker.waitForAborts(n, timeoutMs),
    async close() {
      for (const exchange of open) exchange.markServerClosed();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
