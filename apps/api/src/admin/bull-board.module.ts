import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { ADMIN_AUTH_CHALLENGE, isAdminRequest } from '@switchboard/auth';
import { ALL_MAILBOXES } from '@switchboard/catalogue';
import { Config } from '@switchboard/config';
import type { NextFunction, Request, Response } from 'express';
import { toProblem } from '../problems/problem-body';
import { ProblemException } from '../problems/problem';

export const BULL_BOARD_ROUTE = '/admin/queues';

/** Bull Board's router is plain Express, so its guard is an Express middleware. */
function requireAdmin(adminToken: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isAdminRequest(req.headers.authorization, adminToken)) return next();
    const problem = toProblem(
      new ProblemException(
        401,
        'admin-credential-required',
        'Bull Board needs the admin credential (ADMIN_TOKEN).',
      ),
      req.originalUrl.split('?')[0],
    );
    res.status(401).setHeader('WWW-Authenticate', ADMIN_AUTH_CHALLENGE);
    res.type('application/problem+json').send(JSON.stringify(problem));
  };
}

/** Bull Board at /admin/queues, showing every mailbox, behind the admin credential. */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [Config],
      useFactory: (config: Config) => ({
        route: BULL_BOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: requireAdmin(config.auth.adminToken),
        boardOptions: { uiConfig: { boardTitle: 'Switchboard' } },
      }),
    }),
    BullBoardModule.forFeature(...ALL_MAILBOXES.map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
})
export class AdminBoardModule {}
