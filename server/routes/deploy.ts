// The user's deploy status and "deploy now".
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../services/context.js';
import { AppError } from '../services/errors.js';
import { queueDeploy } from '../services/rules-service.js';
import { routes } from './contract.js';
import { route } from './route.js';

export async function deployRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  route(app, routes.deployStatus, async (request) => ctx.outbox.status(request.username));

  route(app, routes.deploy, async (request, reply) => {
    if (!queueDeploy(ctx, request.username)) {
      throw new AppError(422, 'invalid_rules', 'the current rules do not compile; fix them before deploying');
    }
    ctx.audit.append({ actor: request.username, action: 'deploy.request', target: request.username });
    reply.code(202);
    return ctx.outbox.status(request.username);
  });
}
