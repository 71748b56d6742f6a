import type { FastifyInstance } from 'fastify';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { findApplication, insertApplication } from '../../store/applications.js';
import { deleteToken, generateToken, insertToken } from '../../store/tokens.js';
import { assertSameUid } from '../path-params.js';
import type { RouteContext } from '../server.js';
import { applicationFields } from './applications.js';
import { authenticationSchemas } from '../openapi/operations/platform.js';

/** Svix's default portal token lifetime: 7 days, in seconds. */
const DEFAULT_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

interface AppPortalAccessBody {
  application?: { name: string; uid?: string | null; metadata?: Record<string, string> } | null;
  expiry?: number | null;
  readOnly?: boolean | null;
}

/** App portal tokens: issued per application, stored hashed, revoked by logging out. */
export function portalAccessRoutes(app: FastifyInstance, { store, publicUrl }: RouteContext): void {
  const { db } = store;

  app.post<{ Params: { app_id: string }; Body: AppPortalAccessBody | undefined }>(
    '/api/v1/auth/app-portal-access/:app_id',
    { schema: authenticationSchemas.appPortalAccess },
    async (request) => {
      const body = request.body ?? {};
      let application = await findApplication(db, request.params.app_id);
      if (!application && body.application) {
        assertSameUid(request.params.app_id, body.application.uid, ['body', 'application', 'uid']);
        application = await insertApplication(db, applicationFields({ uid: request.params.app_id, ...body.application }));
      }
      if (!application) throw new NotFoundError('application', request.params.app_id);

      const token = generateToken('hlapp_');
      const expiresAt = Date.now() + (body.expiry ?? DEFAULT_EXPIRY_SECONDS) * 1000;
      const tokenId = await insertToken(db, token, 'app portal', {
        appId: application.id,
        expiresAt,
        readOnly: body.readOnly === true,
      });
      request.log.info({ appId: application.id, tokenId, expiresAt: new Date(expiresAt).toISOString() }, 'app portal token issued');
      // The token rides in the fragment, which browsers never send to a server or in a Referer.
      return { token, url: `${publicUrl}/ui/#key=${token}&app=${application.id}` };
    },
  );

  app.post('/api/v1/auth/logout', { schema: authenticationSchemas.logout }, async (request, reply) => {
    // Revoking an admin token here would lock every client out until a restart.
    if (request.tokenScope?.appId == null) {
      throw new ForbiddenError('Only app portal tokens can log out; admin tokens are managed with HOOKLINE_ADMIN_TOKEN.');
    }
    await deleteToken(db, request.tokenId);
    request.log.info({ tokenId: request.tokenId }, 'app portal token revoked');
    return reply.code(204).send();
  });
}
