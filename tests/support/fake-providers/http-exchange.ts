import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * One request and its response, with the few moves a fake makes. It knows whether the client
 * went away, so a fake never writes to (or counts tokens on) a dead socket.
 */
export class HttpExchange {
  private clientGone = false;
  private serverClosed = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    onAbort: () => void,
  ) {
    res.on('close', () => {
      if (res.writableEnded || this.serverClosed) return;
      this.clientGone = true;
      onAbort();
    });
  }

  /** True once the response can no longer be written: the client left or the fake cut it. */
  get gone(): boolean {
    return this.clientGone || this.serverClosed || this.res.destroyed;
  }

  sendJson(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
    this.sendText(status, JSON.stringify(body), 'application/json', headers);
  }

  sendText(status: number, text: string, contentType: string, headers: OutgoingHttpHeaders = {}) {
    if (this.gone) return;
    this.res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    this.res.end(text);
  }

  /** 200 with the headers sent at once, so the client's request resolves before any event. */
  startStream(contentType: string): void {
    if (this.gone) return;
    this.res.writeHead(200, {
      'content-type': contentType,
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    this.res.flushHeaders();
  }

  /** Writes one event and waits until it reached the socket; false when it could not. */
  write(chunk: string): Promise<boolean> {
    if (this.gone) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onClose = (): void => resolve(false);
      this.res.once('close', onClose);
      this.res.write(chunk, (error) => {
        this.res.off('close', onClose);
        resolve(!error && !this.gone);
      });
    });
  }

  /** Waits `ms`, or less when the client goes away first. */
  pause(ms: number): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.res.once('close', done);
    });
  }

  /** Ends the response cleanly. */
  end(): void {
    if (!this.gone) this.res.end();
  }

  /** Closes the connection under the response (a FIN, after what was written): no clean end. */
  cut(): void {
    this.serverClosed = true;
    this.req.socket.destroy();
  }

  /** Marks the exchange as closed by the fake itself, so closing it is not a client abort. */
  markServerClosed(): void {
    this.serverClosed = true;
  }
}
