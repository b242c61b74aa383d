import { Module } from '@nestjs/common';
import { BudgetModule } from '@switchboard/budget';
import { InvocationLog } from './invocations/invocation-log';
import { LlmService } from './llm.service';

@Module({
  imports: [BudgetModule],
  providers: [LlmService, InvocationLog],
  exports: [LlmService, InvocationLog],
})
export class LlmModule {}
