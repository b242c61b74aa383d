import type { NextFunction, Request, Response } from 'express';
import type { DrainState } from './drain.state';

/**
 * While draining, every response says `Connection: close` when it can (headers not yet sent),
 * and the connection of any response that ends during the drain (an SSE stream, a long-poll
 * begun before it) is half-closed once the response is written. The request in flight is
 * answered in full (a draining instance refuses nothing that reached it), nothing is sent on
 * that connection again, and the server's close is not held by idle keep-alive connections.
 */
export function closeWhileDraining(drain: DrainState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (drain.draining) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      if (drain.draining && !req.socket.destroyed) req.socket.end();
    });
    next();
  };
}
