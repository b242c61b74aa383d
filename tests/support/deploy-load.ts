import { randomUUID } from 'node:crypto';
import { chatInput } from './http-client';
import { closedBeforeResponse, followJob, type FollowResult } from './resuming-follower';

/** Figures of a load run, every request through nginx. */
export interface LoadFigures {
  requests: number;
  failures: string[];
  /**
   * Requests sent again because the connection closed before any response: nginx closes idle
   * keep-alive client connections when its old workers retire on reload, and one that a request
   * was just written to is dropped. HTTP lets a client resend then (RFC 9110 §9.2.2: idempotent
   * methods; POST /v1/jobs carries an Idempotency-Key), as browsers and the OpenAI SDK do.
   */
  resent: string[];
  accepted: string[];
  longJobs: string[];
  follows: (FollowResult & { jobId: string })[];
}

interface LoadShape {
  submitters: number;
  pollers: number;
  followers: number;
  /** Tier of the long streamed jobs (a slow provider); short jobs go to tier 1. */
  longTier: number;
}

/**
 * Steady traffic for a deploy test: submitters of short chat jobs, pollers of accepted jobs,
 * and followers that submit a long streamed job and follow its events to the end. A
 * connection error or a 5xx is a failure; so is a submission that is not accepted.
 */
export class DeployLoad {
  readonly figures: LoadFigures = {
    requests: 0,
    failures: [],
    resent: [],
    accepted: [],
    longJobs: [],
    follows: [],
  };
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly shape: LoadShape,
  ) {}

  start(): void {
    const { submitters, pollers, followers } = this.shape;
    for (let i = 0; i < submitters; i += 1) this.loops.push(this.loop(() => this.submitShort(i)));
    for (let i = 0; i < pollers; i += 1) this.loops.push(this.loop(() => this.poll()));
    for (let i = 0; i < followers; i += 1) this.loops.push(this.loop(() => this.followLong(i)));
  }

  /** Stops starting new work and waits for what is under way (followers to their `end`). */
  async stop(): Promise<LoadFigures> {
    this.stopping = true;
    await Promise.all(this.loops);
    return this.figures;
  }

  private async loop(step: () => Promise<void>): Promise<void> {
    while (!this.stopping) {
      await step();
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async request(method: string, path: string, body?: unknown): Promise<any> {
    this.figures.requests += 1;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.key}`,
      'content-type': 'application/json',
    };
    if (method === 'POST') headers['idempotency-key'] = randomUUID();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const res = await fetch(`${this.url}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status >= 500) {
          this.figures.failures.push(`${method} ${path}: ${res.status} ${text}`);
        }
        return res.status < 300 ? JSON.parse(text) : undefined;
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause?.message ?? '';
        const what = `${method} ${path}: ${(error as Error).message} ${cause}`;
        if (attempt <= 3 && closedBeforeResponse(cause)) {
          this.figures.resent.push(what);
          continue;
        }
        this.figures.failures.push(what);
        return undefined;
      }
    }
  }

  private async submit(tier: number, content: string): Promise<string | undefined> {
    const body = await this.request('POST', '/v1/jobs', {
      role: 'chat',
      tier,
      input: chatInput(content),
    });
    const id = body?.id as string | undefined;
    if (!id) this.figures.failures.push(`POST /v1/jobs not accepted (${content})`);
    return id;
  }

  private async submitShort(i: number): Promise<void> {
    const id = await this.submit(1, `short ${i} ${this.figures.requests}`);
    if (id) this.figures.accepted.push(id);
  }

  private async poll(): Promise<void> {
    const { accepted } = this.figures;
    if (accepted.length === 0) return;
    await this.request('GET', `/v1/jobs/${accepted[Math.floor(Math.random() * accepted.length)]}`);
  }

  private async followLong(i: number): Promise<void> {
    const id = await this.submit(this.shape.longTier, `long ${i} ${this.figures.requests}`);
    if (!id) return;
    this.figures.accepted.push(id);
    this.figures.longJobs.push(id);
    const follow = await followJob(this.url, this.key, id);
    this.figures.requests += follow.connections;
    this.figures.failures.push(...follow.failures.map((f) => `follow ${id}: ${f}`));
    this.figures.resent.push(...follow.resent.map((f) => `follow ${id}: ${f}`));
    this.figures.follows.push({ ...follow, jobId: id });
  }
}
