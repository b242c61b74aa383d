import { Injectable, SetMetadata } from '@nestjs/common';
import type { z } from 'zod';
import type { ToolCallContext, ToolOutput } from './tool.types';

export const LOCAL_TOOL = Symbol('switchboard:local-tool');

/** How a local tool declares itself: once, beside its handler. */
export interface LocalToolOptions<S extends z.ZodType = z.ZodType> {
  /** Letters, digits, `_` and `-`, at most 64 (the providers' rule). Unique across sources. */
  name: string;
  /** What the model reads to decide when to call it. */
  description: string;
  /** The arguments; their JSON Schema is derived from it and sent to the model. */
  input: S;
  /** Nothing it does leaves the machine: private and tier-0 jobs may use it. */
  privacyCompatible: boolean;
  /** Changes something outside the job: run once per job (journaled), never in parallel. */
  sideEffects?: boolean;
  /** May run beside the other calls of a turn (default: yes, unless it has side effects). */
  parallel?: boolean;
  /** Default: TOOLS_DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Default: TOOLS_DEFAULT_MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

/** A local tool's handler: gets checked arguments; a plain string is the tool's output. */
export interface LocalToolHandler<S extends z.ZodType = z.ZodType> {
  run(args: z.output<S>, ctx: ToolCallContext): Promise<ToolOutput | string>;
}

/**
 * Declares an injectable class as a local tool. Found at boot by the ToolRegistry; two tools
 * with one name (here or in any tool source) refuse to boot.
 */
export function LocalTool<S extends z.ZodType>(options: LocalToolOptions<S>) {
  return <T extends new (...args: never[]) => LocalToolHandler<S>>(target: T): void => {
    Injectable()(target);
    SetMetadata(LOCAL_TOOL, options)(target);
  };
}
