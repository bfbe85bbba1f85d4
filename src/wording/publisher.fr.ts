/**
 * Who answers for this deployment of Passerelle Particulier, as the legal pages name them: publisher, publication
 * director, data protection officer, host, contacts. These values belong to the demonstration world of the fixtures
 * (Exempleville, Val-Fictif) and name no real body: a deployment replaces them with its own before it opens.
 */
export const PUBLISHER = {
  name: 'Agence de la passerelle des données (démonstration)',
  address: ['1 place de la Mairie', '99000 Exempleville'],
  publicationDirector: 'Dominique Exemple, directrice de l’agence',
  contactEmail: 'contact@passerelle.example',
  accessibilityEmail: 'accessibilite@passerelle.example',
  dataProtectionOfficer: { title: 'Délégué à la protection des données de l’agence', email: 'dpd@passerelle.example' },
  host: { name: 'Hébergeur de démonstration du Val-Fictif', address: ['2 rue des Serveurs', '99100 Val-Fictif'], country: 'France' },
} as const;

/** The accessibility statement: the RGAA version it refers to and the day it was written (updated at each audit). */
export const ACCESSIBILITY_STATEMENT = {
  rgaaVersion: '4.1',
  establishedOn: '2026-12-04',
} as const;
