import { APIS } from './apis.js';
import { CALL_MODE_NAMES, modesOf } from './call-modes.js';
import { PRODUCERS } from './producers.js';
import { SCOPES } from './scopes.js';

const INPUT_NAMES: Record<string, string> = {
  identifiant_france_travail: 'identifiant France Travail',
  eleve: 'identité de l’élève et année scolaire',
  ine: 'INE (facultatif)',
  identifiant_sportif: 'identifiant de sportif',
  immatriculation: 'numéro d’immatriculation',
};

/** The README's table of the catalogue's APIs, built from the catalogue so that the two cannot drift apart. */
export function catalogueTable(): string {
  const rows = APIS.map((api) => {
    const routes = [api.route, api.identifierRoute, api.franceConnectRoute].filter((route) => route !== undefined).map((route) => `\`${route}\``);
    const inputs = api.extraInputs.map((input) => INPUT_NAMES[input] ?? input).join(', ') || '—';
    const scopes = SCOPES.filter((entry) => entry.api === api.id)
      .map((entry) => `\`${entry.scope}\``)
      .join(' ');
    return `| \`${api.id}\` — ${api.name} (${PRODUCERS[api.producer].name}) | ${routes.join('<br>')} | ${modesOf(api)
      .map((mode) => CALL_MODE_NAMES[mode])
      .join(' ; ')} | ${inputs} | ${scopes} |`;
  });
  return ['| API (producteur) | routes | modes d’appel | saisies | scopes |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
