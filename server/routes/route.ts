// Registers a route of the contract (contract.ts): its schemas validate the
// request and serialize each reply, and the handler is typed by them. The
// table holds full paths; a route group registered under a prefix answers
// the part after it.
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteGenericInterface } from 'fastify';
import type { RouteSpec } from './contract.js';

type StaticOr<S, K extends string, Else = unknown> = S extends { [k in K]: TSchema } ? Static<S[K]> : Else;

export interface RouteTypes<S extends RouteSpec> extends RouteGenericInterface {
  Body: StaticOr<S, 'body'>;
  Querystring: StaticOr<S, 'querystring'>;
  Params: StaticOr<S, 'params'>;
  Reply: { [K in keyof S['response']]: S['response'][K] extends TSchema ? Static<S['response'][K]> : never };
}

type Replies<S extends RouteSpec> = RouteTypes<S>['Reply'][keyof S['response']];

/**
 * A handler returns the reply body, or the reply it has sent itself (a
 * pre-encoded body, a stream).
 */
export type Handler<S extends RouteSpec> = (
  request: FastifyRequest<RouteTypes<S>>,
  reply: FastifyReply<RouteTypes<S>>,
) => Promise<Replies<S> | FastifyReply<RouteTypes<S>>>;

export interface RouteOptions {
  onRequest?: onRequestHookHandler | onRequestHookHandler[];
  config?: Record<string, unknown>;
}

export function route<S extends RouteSpec>(app: FastifyInstance, spec: S, handler: Handler<S>, opts: RouteOptions = {}): void {
  if (!spec.path.startsWith(app.prefix)) throw new Error(`${spec.path} cannot be registered under ${app.prefix}`);
  app.route<RouteTypes<S>>({
    method: spec.method,
    url: spec.path.slice(app.prefix.length),
    schema: {
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      response: spec.response,
    },
    ...opts,
    // Fastify's own handler type does not take a returned reply; Handler is the stricter of the two.
    handler: handler as never,
  });
}
