// STAND-IN for `@types/k6`, which is not installed in this checkout (and may not be added
// here). It declares only the k6 APIs the scripts in tests/load use, with the shapes the k6
// documentation gives (k6, k6/http, k6/metrics, k6/options). The scripts import k6/http's
// functions by name (k6 exports them so), as the project allows named exports only.
// If `@types/k6` is installed later, delete this file and put "k6" in
// tests/load/tsconfig.json's "types".

/** Environment variables: `k6 run -e NAME=value`, or the process environment. */
declare const __ENV: Record<string, string | undefined>;
/** The current virtual user's number, from 1 (0 in the init context). */
declare const __VU: number;
/** The current iteration's number within its virtual user, from 0. */
declare const __ITER: number;

declare module 'k6' {
  export type Checkers<T> = Record<string, (value: T) => boolean>;
  /** Runs each checker, records the `checks` rate metric; true when all passed. */
  export function check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean;
  /** Suspends the VU for `seconds` (fractions allowed). */
  export function sleep(seconds: number): void;
  /** Aborts the current iteration with an error. */
  export function fail(message?: string): never;
}

declare module 'k6/http' {
  export type RequestBody = string | ArrayBuffer | Record<string, string> | null;

  export interface Params {
    headers?: Record<string, string>;
    tags?: Record<string, string>;
    /** A duration string ("60s") or milliseconds; 60s by default. */
    timeout?: string | number;
    responseType?: 'text' | 'binary' | 'none';
  }

  export interface ResponseTimings {
    blocked: number;
    connecting: number;
    tls_handshaking: number;
    sending: number;
    /** Time to first byte of the response (the status line and headers). */
    waiting: number;
    receiving: number;
    /** sending + waiting + receiving, in milliseconds. */
    duration: number;
  }

  export interface Response {
    /** 0 when the request failed without a response (see `error`). */
    status: number;
    body: string | ArrayBuffer | null;
    headers: Record<string, string>;
    timings: ResponseTimings;
    error: string;
    error_code: number;
    url: string;
    /** Parses the body as JSON; with a selector, returns that part of it. */
    json(selector?: string): unknown;
  }

  export function get(url: string, params?: Params): Response;
  export function post(url: string, body?: RequestBody, params?: Params): Response;
}

declare module 'k6/metrics' {
  export class Counter {
    constructor(name: string);
    add(value: number, tags?: Record<string, string>): void;
  }
  export class Rate {
    constructor(name: string);
    add(value: number | boolean, tags?: Record<string, string>): void;
  }
  export class Trend {
    /** With `isTime`, values are milliseconds and the summary prints them as durations. */
    constructor(name: string, isTime?: boolean);
    add(value: number, tags?: Record<string, string>): void;
  }
}

declare module 'k6/options' {
  export interface Scenario {
    executor: 'constant-vus' | 'ramping-vus' | 'per-vu-iterations' | 'shared-iterations';
    vus?: number;
    duration?: string;
    iterations?: number;
    /** The exported function this scenario runs (the scripts export no default). */
    exec?: string;
    startTime?: string;
    gracefulStop?: string;
    tags?: Record<string, string>;
  }
  export interface Options {
    scenarios?: Record<string, Scenario>;
    /** Metric (optionally `{tag:value}`-filtered) → expressions such as "p(95)<500". */
    thresholds?: Record<string, string[]>;
    summaryTrendStats?: string[];
  }
}
