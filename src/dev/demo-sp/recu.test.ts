import { describe, expect, it } from 'vitest';
import { type JustificatifRecu, jetonAbrege, jourEnFrancais, pageResultat, resultatDe } from './recu.js';

const plain = (text: string) => text.replace(/\s/g, ' ');
/** The portal's explanations, as justificatifs carry them. */
const explication = (statut: string) =>
  statut === 'disponible'
    ? null
    : statut === 'indisponible'
      ? 'La CAF ou la MSA ne répond pas en ce moment.'
      : 'La CAF ou la MSA ne trouve pas de dossier à votre nom.';

const qf = (statut: string, valeur = 620): JustificatifRecu['elements'][number] => ({
  scope: 'cnaf_quotient_familial',
  libelle: 'Quotient familial',
  statut,
  explication: explication(statut),
  donnees: statut === 'disponible' ? { quotient_familial: { fournisseur: 'MSA', valeur, annee: 2026, mois: 3 } } : null,
});
const enfants = (statut: string): JustificatifRecu['elements'][number] => ({
  scope: 'cnaf_enfants',
  libelle: 'Enfants du foyer',
  statut,
  explication: explication(statut),
  donnees: statut === 'disponible' ? { enfants: [{ prenoms: 'Nour Inès' }] } : null,
});
/** A justificatif as issued before `numero` and `resultat` existed. */
const older = (...elements: JustificatifRecu['elements']): JustificatifRecu => ({ id: 'j-1', elements });

describe('what the demo service received', () => {
  it('reads `resultat` when the document has it, and otherwise computes it from the statuses', () => {
    expect(resultatDe(older(qf('disponible'), enfants('disponible')))).toEqual({ resultat: 'complet', calcule: true });
    expect(resultatDe(older(qf('disponible'), enfants('non_trouve')))).toEqual({ resultat: 'partiel', calcule: true });
    expect(resultatDe(older(qf('indisponible'), enfants('erreur')))).toEqual({ resultat: 'aucune_information', calcule: true });
    expect(resultatDe({ resultat: 'aucune_information', elements: [qf('indisponible')] })).toEqual({
      resultat: 'aucune_information',
      calcule: false,
    });
    // A value the demo does not know (a later version of the format): the statuses decide.
    expect(resultatDe({ resultat: 'autre_chose', elements: [qf('disponible')] })).toEqual({ resultat: 'complet', calcule: true });
  });

  it('shows the price and a green alert only when everything came, and works without `numero`', () => {
    const page = pageResultat(older(qf('disponible', 890), enfants('disponible')));
    expect(page.alerte.type).toBe('success');
    expect(page.alerte.titre).toBe('Informations reçues');
    expect(page.alerte.paragraphes[0]).toMatch(/^Nous avons bien reçu votre quotient familial et la liste des enfants de votre foyer\./);
    expect(plain(page.tarif?.prix ?? '')).toBe('3,35 €');
    expect(page.tarif).toMatchObject({ mois: 'mars 2026', organisme: 'la MSA' });
    expect(page.enfants).toBe('Nour');
    expect(page.numero).toBeUndefined();
  });

  it('says what is missing and what to bring to the town hall when some came', () => {
    const page = pageResultat({ ...older(qf('disponible'), enfants('non_trouve')), numero: 'PP-2026-ABCD-EFGH', resultat: 'partiel' });
    expect(page.alerte.type).toBe('warning');
    expect(page.alerte.titre).toBe('Certaines informations manquent');
    expect(page.alerte.paragraphes).toEqual([
      'Nous avons bien reçu votre quotient familial, mais pas la liste des enfants de votre foyer : la CAF ou la MSA ne trouve pas de dossier à votre nom.',
      'Pour compléter votre dossier, apportez votre livret de famille à l’accueil de la mairie. Votre demande n’est pas refusée pour autant.',
    ]);
    expect(plain(page.tarif?.prix ?? '')).toBe('2,40 €');
    expect(page.numero).toBe('PP-2026-ABCD-EFGH');

    const withoutQuotient = pageResultat(older(qf('indisponible'), enfants('disponible')));
    expect(withoutQuotient.tarif).toBeUndefined();
    expect(withoutQuotient.titre).toBe('Nous n’avons pas pu calculer votre tarif');
    expect(withoutQuotient.alerte.paragraphes[0]).toContain('Sans votre quotient familial, nous ne pouvons pas calculer votre tarif.');
    expect(withoutQuotient.alerte.paragraphes[1]).toContain('apportez votre attestation de quotient familial (CAF ou MSA) à l’accueil de la mairie');
  });

  it('says nothing could be obtained, without success nor price, when nothing came', () => {
    const page = pageResultat({ ...older(qf('indisponible'), enfants('indisponible')), resultat: 'aucune_information', numero: 'PP-2026-ABCD-EFGH' });
    expect(page.alerte.type).toBe('warning');
    expect(page.alerte.paragraphes[0]).toBe('Aucune information n’a pu être obtenue : la CAF ou la MSA ne répond pas en ce moment.');
    expect(page.tarif).toBeUndefined();
    expect(page.numero).toBe('PP-2026-ABCD-EFGH');
    // Two different reasons are both given; a reason the document does not carry is written by the demo.
    const two = pageResultat(older(qf('indisponible'), { ...enfants('non_trouve'), explication: null }));
    expect(two.alerte.paragraphes[0]).toBe(
      'Aucune information n’a pu être obtenue : la CAF ou la MSA ne répond pas en ce moment ; l’organisme ne trouve pas de dossier à votre nom.',
    );
  });

  it('writes days the French way and shortens tokens', () => {
    expect(jourEnFrancais(new Date('2026-12-01T10:00:00Z'))).toBe('1er décembre 2026');
    expect(jourEnFrancais(new Date('2026-12-04T23:30:00Z'))).toBe('5 décembre 2026');
    expect(jetonAbrege('abcdefghijklmnopqrstuvwxyz0123456789')).toBe('abcdefgh…6789');
  });
});

describe('the town’s quotient, without a quotient familial', () => {
  const tax = (scope: string, donnees: Record<string, unknown>): JustificatifRecu['elements'][number] => ({
    scope,
    libelle: scope,
    statut: 'disponible',
    donnees,
  });

  it('divides the revenu fiscal de référence by twelve and by the parts, and says which income year it comes from', () => {
    const page = pageResultat(
      older(qf('indisponible'), tax('dgfip_rfr', { rfr: 30_600, annee_revenus: 2025 }), tax('dgfip_nbpart', { nbPart: 2.5, annee_revenus: 2025 })),
    );
    expect(page.tarif?.quotient && plain(page.tarif.quotient)).toBe('1 020 €');
    expect(page.tarif?.municipal && { ...page.tarif.municipal, revenuFiscal: plain(page.tarif.municipal.revenuFiscal) }).toEqual({
      revenuFiscal: '30 600 €',
      parts: '2,5',
      annee: 2025,
    });
    expect(page.resultat).toBe('partiel');
  });

  it('prefers the quotient familial when it came, and computes nothing from half the tax data', () => {
    expect(pageResultat(older(qf('disponible'), tax('dgfip_rfr', { rfr: 30_600 }))).tarif?.municipal).toBeUndefined();
    expect(pageResultat(older(qf('indisponible'), tax('dgfip_rfr', { rfr: 30_600 }))).tarif).toBeUndefined();
  });
});
