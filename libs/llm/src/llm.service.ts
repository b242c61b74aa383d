import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { BudgetService } from '@switchboard/budget';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { loadCatalogue } from './catalogue/load-catalogue';
import type { CatalogueModel, ModelCatalogue } from './catalogue/model-catalogue';
import { InvocationLog } from './invocations/invocation-log';
import type { EmbedRequest, LlmClient, LlmRequest, LlmRouting, RerankRequest } from './llm.types';
import { createAdapter } from './providers/create-adapter';
import type { ProviderAdapter } from './providers/provider.types';
import { HealthMonitor, type ProviderHealth } from './router/health-monitor';
import { LlmRouter } from './router/llm-router';
import { ProviderGate, type GateStatus } from './router/provider-gate';

export interface ProviderStatus {
  name: string;
  kind: string;
  local: boolean;
  baseURL: string | null;
  models: string[];
  health: ProviderHealth;
  circuit: GateStatus;
}

/** Health checks never wait longer than this, whatever the request timeout. */
const HEALTH_TIMEOUT_MS = 10_000;

/**
 * Loads the model catalogue, builds one adapter per provider, and hands each job an
 * `LlmClient` bound to its tier, privacy, escalation ceiling and abort signal.
 */
@Injectable()
export class LlmService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LlmService');
  private catalogue!: ModelCatalogue;
  private router!: LlmRouter;
  private gate!: ProviderGate;
  private health!: HealthMonitor;

  constructor(
    private readonly config: Config,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly invocations: InvocationLog,
    private readonly budget: BudgetService,
  ) {}

  onModuleInit(): void {
    const llm = this.config.llm;
    this.catalogue = loadCatalogue(llm, process.env);
    const adapters = new Map<string, ProviderAdapter>(
      [...this.catalogue.providers.values()].map((p) => [p.name, createAdapter(p, llm)]),
    );
    const prefix = this.config.redis.prefix;
    this.gate = new ProviderGate(
      this.redis,
      prefix,
      llm.breaker,
      llm.requestTimeoutMs,
      llm.gateCacheMs,
    );
    this.health = new HealthMonitor(
      this.redis,
      prefix,
      adapters,
      llm.healthIntervalMs,
      Math.min(HEALTH_TIMEOUT_MS, llm.requestTimeoutMs),
    );
    this.router = new LlmRouter({
      catalogue: this.catalogue,
      adapters,
      gate: this.gate,
      invocations: this.invocations,
      budget: this.budget,
      durableLog: llm.invocationLog === 'durable',
      config: llm,
      unhealthy: () => this.health.unhealthy(),
    });
    this.logger.log(
      `model catalogue ${this.catalogue.source}: ${adapters.size} providers, ` +
        `${this.catalogue.models.length} models`,
    );
  }

  onApplicationBootstrap(): void {
    this.health.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.health.stop();
  }

  clientFor(routing: LlmRouting): LlmClient {
    const router = this.router;
    return {
      chat: (request: LlmRequest) => router.chat(request, routing),
      stream: (request: LlmRequest) => router.stream(request, routing),
      embed: (request: EmbedRequest) => router.embed(request, routing),
      rerank: (request: RerankRequest) => router.rerank(request, routing),
    };
  }

  models(): readonly CatalogueModel[] {
    return this.catalogue.models;
  }

  async providers(): Promise<ProviderStatus[]> {
    const names = [...this.catalogue.providers.keys()];
    const [health, gates] = await Promise.all([this.health.snapshot(), this.gate.status(names)]);
    return [...this.catalogue.providers.values()].map((p) => ({
      name: p.name,
      kind: p.kind,
      local: p.local,
      baseURL: p.baseURL ?? null,
      models: this.catalogue.models.filter((m) => m.provider === p.name).map((m) => m.id),
      health: health.get(p.name)!,
      circuit: gates.get(p.name)!,
    }));
  }
}
