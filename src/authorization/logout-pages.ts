import type { KoaContextWithOIDC } from 'oidc-provider';

/** Puts one of our templates, in the portal's layout, as the answer to an oidc-provider request. */
export type RenderPage = (ctx: KoaContextWithOIDC, view: string, context: object) => void;

/**
 * The pages of a service provider's sign-out request (RP-initiated logout), in French and in our layout: oidc-provider's
 * defaults are in English and load Google Fonts, which would hand the citizen's address to Google.
 */
export function logoutPages(render: RenderPage) {
  return {
    /**
     * `form` is oidc-provider's markup: a form whose action is its confirmation URL (serialised by `URL`, so no quote
     * can close the attribute) and whose only input is a random hex xsrf value. Nothing from the request is in it
     * unescaped, so the template inserts it as is; its buttons submit it through their `form` attribute, with no script.
     */
    logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
      render(ctx, 'oidc/session-end.njk', { form, serviceProvider: ctx.oidc.client?.clientName });
    },
    /** Reached after "Se déconnecter" and after "Rester connecté(e)" alike: whether a session remains tells them apart. */
    postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
      const session = await ctx.oidc.provider.Session.get(ctx);
      render(ctx, 'oidc/session-end-success.njk', { signedIn: session.accountId !== undefined });
    },
  };
}
