import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { BudgetKeys, BudgetScripts } from './budget-redis';
import type { BudgetAlertSink, Reservation, SettleRecord } from './budget.types';

/** A record of a call that held no reservation: its row and its answer, in one MULTI. */
export async function writeRecord(
  redis: Redis,
  keys: BudgetKeys,
  record: SettleRecord,
): Promise<void> {
  if (!record.row && !record.journal) return;
  const multi = redis.multi();
  if (record.row) multi.xadd(keys.invocations, '*', 'r', record.row);
  const journal = record.journal;
  if (journal) {
    multi.hset(journal.key, journal.field, journal.value);
    multi.pexpire(journal.key, journal.ttlMs);
  }
  const replies = await multi.exec();
  const failed = replies?.find(([error]) => error);
  if (failed) throw failed[0] as Error;
}

/**
 * The provider counted more input than the reservation covered: the truth is already
 * recorded by the settlement. Raise the model's learned multiplier so its next reservations
 * cover what this provider counts (a hard pool then refuses what it cannot pay for), and
 * alert, naming the model whose bound is too low.
 */
export async function learnFromOverrun(
  scripts: BudgetScripts,
  keys: BudgetKeys,
  reservation: Reservation,
  reported: number | undefined,
  report: { logger: Logger; sink?: BudgetAlertSink },
): Promise<void> {
  const { model, inputTokens: bound } = reservation.quote;
  if (reported === undefined || !model || reported <= reservation.inputTokens || bound <= 0) {
    return;
  }
  const multiplier = Math.ceil((reported / bound) * 1000) / 1000;
  await scripts.learnFactor([keys.inputFactors], [model, multiplier]);
  report.logger.error(
    `input bound too low for model ${model}: the provider reported ${reported} input tokens, ` +
      `${reservation.inputTokens} were reserved; its reservations now scale by ${multiplier}. ` +
      'Raise its inputTokenFactor in the model catalogue.',
  );
  try {
    report.sink?.inputBoundExceeded?.({
      model,
      reservedInputTokens: reservation.inputTokens,
      reportedInputTokens: reported,
      tenantId: reservation.tenantId,
    });
  } catch (error) {
    report.logger.error(`budget alert sink failed: ${(error as Error).message}`);
  }
}
