import { Module } from '@nestjs/common';
import { InvocationLog } from './invocations/invocation-log';
import { LlmService } from './llm.service';

@Module({ providers: [LlmService, InvocationLog], exports: [LlmService, InvocationLog] })
export class LlmModule {}
