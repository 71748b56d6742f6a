import type { FastifyInstance } from 'fastify';
import { verificationKey } from '../../signing/standard-webhooks.js';
import { requireApplication } from '../../store/applications.js';
import { rotateEndpointSecret } from '../../store/endpoint-secrets.js';
import { requireEndpoint } from '../../store/endpoints.js';
import type { RouteContext } from '../server.js';
import { chooseSecret } from './endpoints.js';
import { endpointSchemas } from '../openapi/operations/endpoints.js';

type EndpointParams = { app_id: string; endpoint_id: string };

interface RotateBody {
  key?: string | null;
  gracePeriodSeconds?: number | null;
}

export function endpointSecretRoutes(app: FastifyInstance, context: RouteContext): void {
  const { store, cipher } = context;
  const { db } = store;

  // An Ed25519 endpoint returns its `whpk_` public key: the private key never leaves Hookline.
  app.get<{ Params: EndpointParams }>('/api/v1/app/:app_id/endpoint/:endpoint_id/secret', { schema: endpointSchemas.getSecret }, async (request) => {
    const application = await requireApplication(db, request.params.app_id);
    const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
    return { key: verificationKey(cipher.open(endpoint.secret)) };
  });

  app.post<{ Params: EndpointParams; Body: RotateBody | undefined }>(
    '/api/v1/app/:app_id/endpoint/:endpoint_id/secret/rotate',
    { schema: endpointSchemas.rotateSecret },
    async (request, reply) => {
      const body = request.body ?? {};
      const application = await requireApplication(db, request.params.app_id);
      const endpoint = await requireEndpoint(db, application.id, request.params.endpoint_id);
      const secret = chooseSecret(body.key, context.defaultSecretKind, ['body', 'key']);
      const graceMs =
        body.gracePeriodSeconds === undefined || body.gracePeriodSeconds === null
          ? context.secretRotationGraceMs
          : body.gracePeriodSeconds * 1000;

      await rotateEndpointSecret(db, cipher, endpoint, secret, graceMs);
      request.log.info({ appId: application.id, endpointId: endpoint.id, graceMs }, 'endpoint secret rotated');
      return reply.code(204).send();
    },
  );
}
