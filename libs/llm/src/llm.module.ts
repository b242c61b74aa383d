import { Module } from '@nestjs/common';
import { BudgetModule } from '@switchboard/budget';
import { InvocationDrain } from './invocations/invocation-drain';
import { InvocationLog } from './invocations/invocation-log';
import { LlmService } from './llm.service';

@Module({
  imports: [BudgetModule],
  providers: [LlmService, InvocationLog, InvocationDrain],
  exports: [LlmService, InvocationLog, InvocationDrain],
})
export class LlmModule {}
