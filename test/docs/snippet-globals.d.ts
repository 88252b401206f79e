// Names the docs' snippets use without defining: the reader's own app, the web frameworks the webhook guide
// mounts a route on, and the UI frameworks the frontend guide binds a runtime to (not dependencies of this package,
// so each is declared here as the small, typed part of its real API the snippets touch). Nothing of credit-journey is declared, so every call into it is checked against
// the real types. A script, not a module: its declarations are global and its `declare module`s ambient.

/** The reader's render function. */
declare function render(view: import("../../src/runtime/index.js").JourneyView): void;

/** The part of Express 4/5 the webhook guide uses. */
declare module "express" {
  import type { IncomingHttpHeaders } from "node:http";

  /** An incoming request once the route's body parser ran. */
  export interface Request {
    readonly body: unknown;
    readonly headers: IncomingHttpHeaders;
  }
  /** The response being written. */
  export interface Response {
    status(code: number): Response;
    sendStatus(code: number): Response;
    end(): Response;
  }
  /** A route handler or middleware. */
  export type RequestHandler = (req: Request, res: Response, next: (error?: unknown) => void) => unknown;
  /** An application. */
  export interface Express {
    post(path: string, ...handlers: RequestHandler[]): Express;
    use(...handlers: RequestHandler[]): Express;
  }
  /** The module's default export: the app factory and its body parsers. */
  interface ExpressModule {
    (): Express;
    raw(options?: { type?: string; limit?: number | string }): RequestHandler;
    json(options?: { limit?: number | string }): RequestHandler;
  }
  const express: ExpressModule;
  export default express;
}

/** The part of Fastify 4/5 the webhook guide uses. */
declare module "fastify" {
  import type { IncomingHttpHeaders } from "node:http";

  /** An incoming request. */
  export interface FastifyRequest {
    readonly body: unknown;
    readonly headers: IncomingHttpHeaders;
  }
  /** The reply being written. */
  export interface FastifyReply {
    code(statusCode: number): FastifyReply;
    send(payload?: unknown): FastifyReply;
  }
  /** An instance, or a plugin's encapsulated scope. */
  export interface FastifyInstance {
    register(plugin: (scope: FastifyInstance) => Promise<void>): PromiseLike<undefined>;
    post(
      path: string,
      handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
    ): FastifyInstance;
    addContentTypeParser(
      contentType: string,
      options: { parseAs: "buffer" | "string"; bodyLimit?: number },
      parser: (
        request: FastifyRequest,
        body: Buffer | string,
        done: (error: Error | null, body?: unknown) => void,
      ) => void,
    ): void;
    hasContentTypeParser(contentType: string): boolean;
    removeContentTypeParser(contentType: string | string[]): FastifyInstance;
  }
  /** The module's default export: the instance factory. */
  export default function Fastify(): FastifyInstance;
}

/** The part of Hono 4 the webhook guide uses. */
declare module "hono" {
  /** `c.req`: Hono's wrapper of the Fetch `Request`. */
  export interface HonoRequest {
    readonly raw: Request;
    arrayBuffer(): Promise<ArrayBuffer>;
    json<T = unknown>(): Promise<T>;
    header(name: string): string | undefined;
  }
  /** A handler's context. */
  export interface Context {
    readonly req: HonoRequest;
    body(data: string | ArrayBuffer | null, status?: number): Response;
  }
  /** An application. */
  export class Hono {
    post(path: string, handler: (c: Context) => Response | Promise<Response>): this;
    fetch: (request: Request) => Response | Promise<Response>;
  }
}

/** The part of Vue 3's reactivity API the frontend guide uses. */
declare module "vue" {
  /** A ref whose `.value` is reactive but not deeply converted (Vue's `ShallowRef`). */
  export interface ShallowRef<T> {
    value: T;
  }
  /** Wraps `value` in a shallow ref. */
  export function shallowRef<T>(value: T): ShallowRef<T>;
  /** Runs `fn` when the current effect scope (e.g. the component's setup) is disposed. */
  export function onScopeDispose(fn: () => void, failSilently?: boolean): void;
}

/** The part of Svelte's store module the frontend guide uses. */
declare module "svelte/store" {
  /** Undoes a subscription. */
  export type Unsubscriber = () => void;
  /** Hears each value of a store. */
  export type Subscriber<T> = (value: T) => void;
  /** Called with the first subscriber; what it returns (if anything) is called when the last one leaves. */
  export type StartStopNotifier<T> = (
    set: (value: T) => void,
    update: (updater: (value: T) => T) => void,
  ) => Unsubscriber | undefined;
  /** A store components read with `$store`. */
  export interface Readable<T> {
    subscribe(run: Subscriber<T>, invalidate?: () => void): Unsubscriber;
  }
  /** A store whose value only `start`'s `set` changes. */
  export function readable<T>(value?: T, start?: StartStopNotifier<T>): Readable<T>;
}
