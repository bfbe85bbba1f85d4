import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { QueryParams } from './identity-params.js';

/** What the citizen typed on the consent page for routes that need more than FranceConnect's identity. */
export interface ExtraInputs {
  identifiantFranceTravail?: string;
  ine?: string;
  identifiantSportif?: string;
  /** A vehicle's plate, AA-123-AA. */
  immatriculation?: string;
  eleve?: { nomNaissance: string; prenoms: string[]; sexe: 'F' | 'M'; dateNaissance: string; anneeScolaire: string };
}

/** Whom a producer's file is about, as its answer names them. */
export interface Holder {
  familyName: string;
  givenNames: string[];
  birthdate: string;
}

/**
 * For a route asked by an identifier the citizen typed (an INE, a France Travail login): the file it finds must be
 * the citizen's own, or anyone could read someone else's by typing their identifier. `holder` reads whom the answer
 * is about; `route` is where to read it when the route itself does not say (asked first, with the same parameters).
 */
export interface HolderCheck {
  route?: string;
  holder(data: Record<string, unknown>): Holder | undefined;
}

export type SourceRequest =
  | { route: string; params: QueryParams; holderCheck?: HolderCheck }
  | { missingInput: 'identifiant_france_travail' | 'eleve' | 'identifiant_sportif' | 'immatriculation' };

/**
 * How to ask one API Particulier API: from the identity pivot and the extra inputs (none for an API served only with
 * FranceConnect), and what its FranceConnect route takes beyond the token (none by default).
 */
export interface SourceDefinition {
  api: string;
  request?(identity: CitizenIdentity, inputs: ExtraInputs): SourceRequest;
  franceConnectParams?(inputs: ExtraInputs): { params: QueryParams } | { missingInput: 'immatriculation' };
}
