import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { QueryParams } from './identity-params.js';

/** What the citizen typed on the consent page for routes that need more than FranceConnect's identity. */
export interface ExtraInputs {
  identifiantFranceTravail?: string;
  ine?: string;
  eleve?: { nomNaissance: string; prenoms: string[]; sexe: 'F' | 'M'; dateNaissance: string; anneeScolaire: string };
}

export type SourceRequest = { route: string; params: QueryParams } | { missingInput: 'identifiant_france_travail' | 'eleve' };

/** How to ask one API Particulier API, from the identity pivot and the extra inputs. */
export interface SourceDefinition {
  api: string;
  request(identity: CitizenIdentity, inputs: ExtraInputs): SourceRequest;
}
