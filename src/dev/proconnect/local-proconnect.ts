import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import Provider, { type Configuration, errors } from 'oidc-provider';
import { z } from 'zod';
import { useViews } from '../../http/views.js';
import { generateSigningKeys } from '../franceconnect/keys.js';
import { memoryAdapterFactory } from '../franceconnect/memory-adapter.js';

const agentSchema = z.object({
  login: z.string().min(1),
  password: z.string().min(1),
  description: z.string(),
  email: z.email(),
  given_name: z.string().min(1),
  usual_name: z.string().min(1),
  siret: z.string().regex(/^\d{14}$/),
  uid: z.string().min(1),
});
export type ProConnectAgent = z.infer<typeof agentSchema>;

export const DEFAULT_AGENTS_FILE = fileURLToPath(new URL('./agents.json', import.meta.url));

export function loadAgents(path: string): ProConnectAgent[] {
  const parsed = z.object({ agents: z.array(agentSchema).min(1) }).safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`Fichier d’agents ${path} invalide : ${parsed.error.issues.map((i) => `${i.path.join('.')} : ${i.message}`).join('; ')}`);
  return parsed.data.agents;
}

export interface LocalProConnectOptions {
  issuer: string;
  client: { clientId: string; clientSecret: string; redirectUri: string; postLogoutRedirectUri: string };
  agents: ProConnectAgent[];
}

const CLAIMS = {
  openid: ['sub'],
  email: ['email'],
  given_name: ['given_name'],
  usual_name: ['usual_name'],
  siret: ['siret'],
  uid: ['uid'],
  idp_id: ['idp_id'],
};

/** A local ProConnect for agents: ProConnect's claims, signed ID token and userinfo (ES256), PKCE accepted. */
export async function createLocalProConnect(options: LocalProConnectOptions): Promise<Express> {
  const mountPath = new URL(options.issuer).pathname;
  const agents = new Map(options.agents.map((agent) => [agent.login, agent]));
  const app = express();
  app.disable('x-powered-by');
  const views = useViews(app, { serviceName: 'ProConnect', serviceTagline: 'Plateforme locale de développement (agents)' }, { cache: true });
  const keys = await generateSigningKeys();

  const configuration: Configuration = {
    adapter: memoryAdapterFactory(),
    jwks: keys.privateJwks as Configuration['jwks'],
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      names: { session: 'pc_session', interaction: 'pc_interaction', resume: 'pc_interaction_resume' },
    },
    clients: [
      {
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        client_name: 'Passerelle Particulier — espace agents',
        redirect_uris: [options.client.redirectUri],
        post_logout_redirect_uris: [options.client.postLogoutRedirectUri],
        id_token_signed_response_alg: 'ES256',
        userinfo_signed_response_alg: 'ES256',
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: CLAIMS,
    scopes: Object.keys(CLAIMS),
    responseTypes: ['code'],
    pkce: { required: () => false },
    ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 60, Grant: 60, Interaction: 1800, Session: 1800 },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = views.render('dev/logout.njk', { form });
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = views.render('dev/logout-success.njk', {});
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    findAccount: (_ctx, accountId) => {
      const agent = [...agents.values()].find((a) => a.uid === accountId);
      return (
        agent && {
          accountId,
          claims: () => ({
            sub: createHash('sha256').update(`proconnect:${agent.uid}`).digest('hex'),
            email: agent.email,
            given_name: agent.given_name,
            usual_name: agent.usual_name,
            siret: agent.siret,
            uid: agent.uid,
            idp_id: 'idp-local-agents',
          }),
        }
      );
    },
  };
  const provider = new Provider(options.issuer, configuration);

  const renderLogin = async (req: Request, res: Response, status: number, error?: string) => {
    const details = await provider.interactionDetails(req, res);
    res
      .status(status)
      .render('dev/proconnect/login.njk', { action: `${mountPath}/interaction/${details.uid}/login`, agents: [...agents.values()], error });
  };

  const router = express.Router();
  router.get('/interaction/:uid', (req, res) => renderLogin(req, res, 200));
  router.post('/interaction/:uid/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = z.object({ login: z.string(), password: z.string() }).safeParse(req.body);
    const agent = body.success ? agents.get(body.data.login) : undefined;
    if (!body.success || agent === undefined || agent.password !== body.data.password)
      return renderLogin(req, res, 401, 'Identifiant ou mot de passe incorrect.');
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId: agent.uid, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: agent.uid, acr: 'eidas1' }, consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: false },
    );
  });
  router.use(provider.callback());
  app.use(mountPath, router);

  const handleError: ErrorRequestHandler = (error, _req, res, _next) => {
    const expired = error instanceof errors.SessionNotFound;
    res.status(expired ? 400 : 500).render('errors/error.njk', {
      pageTitle: 'Erreur',
      title: 'Une erreur s’est produite',
      code: expired ? 'SESSION' : 'INTERNE',
      lead: expired ? 'Votre session a expiré. Recommencez depuis le service.' : 'Une erreur technique est survenue.',
    });
  };
  app.use(handleError);
  return app;
}
