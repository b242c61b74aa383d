import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@switchboard/auth';
import { BudgetModule, BudgetPoolCollector } from '@switchboard/budget';
import { BudgetAlertsModule } from '@switchboard/budget-alerts';
import { ConfigModule } from '@switchboard/config';
import { LedgerBacklogCollector, LlmModule } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueDepthCollector, QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { StreamsModule } from '@switchboard/streams';
import { ToolsModule } from '@switchboard/tools';
import { AdminController } from './admin/admin.controller';
import { AdminBoardModule } from './admin/bull-board.module';
import { McpAdminModule } from './admin/mcp-admin.module';
import { AdminOrApiKeyGuard } from './budgets/admin-or-api-key.guard';
import { BudgetsController } from './budgets/budgets.controller';
import { BudgetsService } from './budgets/budgets.service';
import { TenantAccess } from './budgets/tenant-access';
import { CostsController } from './costs/costs.controller';
import { CostsRepository } from './costs/costs.repository';
import { CostsService } from './costs/costs.service';
import { DlqController } from './dlq/dlq.controller';
import { DlqService } from './dlq/dlq.service';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { LlmController } from './llm/llm.controller';
import { McpModule } from './mcp/mcp.module';
import { MetricsController } from './metrics/metrics.controller';
import { ChatCompletionsController } from './openai/chat-completions.controller';
import { ChatCompletionsService } from './openai/chat-completions.service';
import { ChatJobFollower } from './openai/chat-job-follower';
import { ModelResolver } from './openai/model-resolver';
import { EmbeddingTargets } from './openai/embedding-target';
import { EmbeddingsController } from './openai/embeddings.controller';
import { EmbeddingsService } from './openai/embeddings.service';
import { ProblemDetailsFilter } from './problems/problem-details.filter';
import { RetrievalApiModule } from './retrieval/retrieval-api.module';
import { ToolsController } from './tools/tools.controller';

@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('switchboard-api'),
    RedisModule,
    StreamsModule,
    QueueModule,
    AuthModule,
    LlmModule,
    // Also reached through LlmModule; listed because budgets and alerts depend on it here.
    BudgetModule,
    BudgetAlertsModule,
    HealthModule,
    AdminBoardModule,
    McpAdminModule,
    EventsModule,
    ToolsModule,
    McpModule,
    RetrievalApiModule,
  ],
  controllers: [
    JobsController,
    DlqController,
    AdminController,
    LlmController,
    BudgetsController,
    CostsController,
    MetricsController,
    ChatCompletionsController,
    EmbeddingsController,
    ToolsController,
  ],
  providers: [
    JobsService,
    DlqService,
    TenantAccess,
    AdminOrApiKeyGuard,
    BudgetsService,
    CostsRepository,
    CostsService,
    ChatCompletionsService,
    ChatJobFollower,
    ModelResolver,
    EmbeddingTargets,
    EmbeddingsService,
    QueueDepthCollector,
    LedgerBacklogCollector,
    BudgetPoolCollector,
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class ApiModule {}
