import type { NextFunction, Request, Response } from 'express';
import type { DrainState } from './drain.state';

/**
 * While draining, every response says `Connection: close`: the request in flight is answered
 * in full (a draining instance refuses nothing that reached it), and the client or proxy opens
 * its next request on a fresh connection, which lands on the colour that now takes traffic.
 */
export function closeWhileDraining(drain: DrainState) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (drain.draining) res.setHeader('Connection', 'close');
    next();
  };
}
