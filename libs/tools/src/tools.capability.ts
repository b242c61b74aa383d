import { Capability, type CapabilityProvider, type CapabilityScope } from '@switchboard/actors';
import { Config } from '@switchboard/config';
import { ToolInvocationsRepository } from './tool-invocations.repository';
import { ToolLoop } from './tool-loop';
import { ToolRegistry } from './tool-registry';
import type { ToolsClient } from './tools-client';

/** Builds `ctx.tools` for each run: the job's tools and its tool loop. */
@Capability('tools')
export class ToolsCapability implements CapabilityProvider<'tools'> {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly rows: ToolInvocationsRepository,
    private readonly config: Config,
  ) {}

  forRun(scope: CapabilityScope): ToolsClient {
    const { logArguments, loopRepeatLimit } = this.config.tools;
    return new ToolLoop(scope, this.registry, this.rows, { logArguments, loopRepeatLimit });
  }
}
