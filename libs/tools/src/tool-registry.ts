import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Config } from '@switchboard/config';
import { LOCAL_TOOL, type LocalToolHandler, type LocalToolOptions } from './local-tool.decorator';
import { TOOL_NAME_RULE, localToolDefinition } from './local-tool-definition';
import { ToolRegistrationError } from './tool-registration.error';
import type { RunToolProvider, ToolDefinition, ToolSource } from './tool.types';
import { checkAllowedTools, visibleTools, type ToolJob } from './tool-visibility';

/**
 * Every tool of the process: the @LocalTool classes found at boot and the tools of the
 * sources added (MCP servers, named `<server>__<tool>`). A name belongs to one tool: a
 * duplicate refuses to boot.
 */
@Injectable()
export class ToolRegistry implements OnModuleInit {
  private readonly logger = new Logger(ToolRegistry.name);
  private readonly local = new Map<string, ToolDefinition>();
  private readonly sources = new Map<string, ToolSource>();
  private readonly runProviders = new Map<string, RunToolProvider>();
  private discovered = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: Config,
  ) {}

  onModuleInit(): void {
    const problems: string[] = [];
    const defaults = {
      timeoutMs: this.config.tools.defaultTimeoutMs,
      maxOutputBytes: this.config.tools.defaultMaxOutputBytes,
    };
    const classes = new Map<string, string>();
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      const instance: unknown = wrapper.instance;
      if (!metatype || !instance) continue;
      const options = Reflect.getMetadata(LOCAL_TOOL, metatype) as LocalToolOptions | undefined;
      if (!options) continue;
      if (!TOOL_NAME_RULE.test(options.name)) {
        problems.push(`${metatype.name}: tool name '${options.name}' breaks ${TOOL_NAME_RULE}`);
        continue;
      }
      const earlier = classes.get(options.name);
      if (earlier) {
        problems.push(`tool '${options.name}' is declared twice: ${earlier}, ${metatype.name}`);
        continue;
      }
      classes.set(options.name, metatype.name);
      const handler = instance as LocalToolHandler;
      this.local.set(options.name, localToolDefinition(options, handler, defaults));
    }
    this.discovered = true;
    for (const source of this.sources.values()) problems.push(...this.clashes(source));
    if (problems.length > 0) throw new ToolRegistrationError(problems);
  }

  /**
   * Adds a source of tools. Refused (ToolRegistrationError) when one of its names is already
   * taken; a clash that appears later (a server's list changed) keeps the earlier tool.
   * Returns a function that removes the source.
   */
  addSource(source: ToolSource): () => void {
    if (this.sources.has(source.name)) {
      throw new ToolRegistrationError([`tool source '${source.name}' is added twice`]);
    }
    const problems = this.discovered ? this.clashes(source) : [];
    if (problems.length > 0) throw new ToolRegistrationError(problems);
    this.sources.set(source.name, source);
    const unsubscribe = source.onChange?.(() => {
      for (const problem of this.clashes(source)) this.logger.warn(`${problem}; ignored`);
    });
    return () => {
      unsubscribe?.();
      this.sources.delete(source.name);
    };
  }

  /**
   * Adds a provider of servers started per run (perJob MCP servers). The tool loop asks it
   * for what a run may use; its tools stay out of the registry (they belong to one run).
   * Returns a function that removes the provider.
   */
  addRunProvider(provider: RunToolProvider): () => void {
    if (this.runProviders.has(provider.name)) {
      throw new ToolRegistrationError([`run tool provider '${provider.name}' is added twice`]);
    }
    this.runProviders.set(provider.name, provider);
    return () => this.runProviders.delete(provider.name);
  }

  runToolProviders(): readonly RunToolProvider[] {
    return [...this.runProviders.values()];
  }

  /** Every tool, by name; on a clash the local tool, then the earlier source, wins. */
  all(): ToolDefinition[] {
    const byName = new Map(this.local);
    for (const source of this.sources.values()) {
      for (const tool of source.tools()) if (!byName.has(tool.name)) byName.set(tool.name, tool);
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): ToolDefinition | undefined {
    return this.all().find((t) => t.name === name);
  }

  /** The tools a job may use (see `visibleTools`). */
  forJob(job: ToolJob): ToolDefinition[] {
    return visibleTools(this.all(), job);
  }

  /** Checks a job's `allowedTools` against what exists now (see `checkAllowedTools`). */
  checkRequest(job: ToolJob): ReturnType<typeof checkAllowedTools> {
    return checkAllowedTools(this.all(), job);
  }

  private clashes(source: ToolSource): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const tool of source.tools()) {
      if (!TOOL_NAME_RULE.test(tool.name)) {
        problems.push(`source '${source.name}': tool name '${tool.name}' breaks ${TOOL_NAME_RULE}`);
      } else if (seen.has(tool.name)) {
        problems.push(`source '${source.name}' lists tool '${tool.name}' twice`);
      } else if (this.local.has(tool.name)) {
        problems.push(`tool '${tool.name}' of source '${source.name}' clashes with a local tool`);
      } else {
        const other = [...this.sources.values()].find(
          (s) => s !== source && s.tools().some((t) => t.name === tool.name),
        );
        if (other) {
          problems.push(`tool '${tool.name}' is in sources '${other.name}' and '${source.name}'`);
        }
      }
      seen.add(tool.name);
    }
    return problems;
  }
}
