import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { maskSecrets } from './mask-secrets';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's console logger (text or JSON) with every message passed through `maskSecrets`. */
export class MaskingLogger extends ConsoleLogger {
  private secrets: readonly string[] = [];

  constructor(context: string, level: LogLevel = 'log', json = false) {
    super(context, { logLevels: LEVELS.slice(0, LEVELS.indexOf(level) + 1), json });
  }

  setSecrets(secrets: readonly string[]): void {
    this.secrets = secrets;
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(
      messages.map((m) => this.mask(m)),
      context,
      logLevel,
      writeStreamType,
      typeof errorStack === 'string' ? maskSecrets(errorStack, this.secrets) : errorStack,
    );
  }

  private mask(message: unknown): unknown {
    if (typeof message === 'string') return maskSecrets(message, this.secrets);
    if (message instanceof Error)
      return maskSecrets(message.stack ?? message.message, this.secrets);
    if (typeof message === 'object' && message !== null) {
      try {
        return JSON.parse(maskSecrets(JSON.stringify(message), this.secrets)) as unknown;
      } catch {
        return message;
      }
    }
    return message;
  }
}
