// The user's deploy status and "deploy now".
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../services/context.js';
import { AppError } from '../services/errors.js';
import { queueDeploy } from '../services/rules-service.js';

export async function deployRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get('/deploy/status', async (request) => ctx.outbox.status(request.username));

  app.post('/deploy', async (request, reply) => {
    if (!queueDeploy(ctx, request.username)) {
      throw new AppError(422, 'invalid_rules', 'the current rules do not compile; fix them before deploying');
    }
    ctx.audit.append({ actor: request.username, action: 'deploy.request', target: request.username });
    return reply.code(202).send(ctx.outbox.status(request.username));
  });
}
