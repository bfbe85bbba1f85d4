import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, QF_DOWN, QF_FOUND } from '../../test/helpers/domain.js';
import type { SourceOutcome } from '../sources/source-fetcher.js';
import { PUBLISHER } from '../wording/publisher.fr.js';
import { receiptView } from './receipt.view-model.js';

let world: DomainWorld;
beforeAll(async () => {
  world = await domainWorld();
});
afterAll(() => world.remove());

/** A transmission of Lucie Fontaine's data to the canteen, and its receipt as she reads it. */
async function transmitted(outcomes: SourceOutcome[] = [QF_FOUND]) {
  const { justificatif } = await world.transmissions.decide({
    request: world.request,
    citizen: { sub: 'sub-lucie', person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } },
    outcomes,
    decision: 'transmitted',
  });
  if (justificatif === undefined) throw new Error('pas de justificatif');
  return read(justificatif.reference);
}

async function read(reference: string) {
  const justificatif = await world.justificatifs.find(reference);
  const receipts = justificatif && (await world.justificatifs.receipts(justificatif));
  if (justificatif === undefined || receipts === undefined) throw new Error('pas de reçu');
  return { justificatif, view: receiptView(justificatif, receipts, await world.justificatifs.open(justificatif)) };
}

describe('the citizen’s receipt', () => {
  it('names its issuer and the service that received the data, and shows each value sent, without any hash', async () => {
    const { justificatif, view } = await transmitted();
    expect(view).toMatchObject({
      reference: justificatif.reference,
      issuer: 'Passerelle Particulier',
      recipient: { organisation: 'Mairie de Bellerive', siret: '21999999900010', procedure: 'Tarif de la cantine' },
      purpose: 'Calculer le tarif de la cantine scolaire selon le quotient familial.',
      valuesNote: undefined,
    });
    expect(view.issuedAt).toMatch(/^\d{1,2} [a-zéû]+ \d{4} à \d{2}:\d{2}$/);
    expect(view.retention).toMatch(/^Conservées par Mairie de Bellerive jusqu’au \d{1,2} [a-zéû]+ \d{4}$/);
    expect(view.items.map((item) => [item.title, item.state, item.rows])).toEqual([
      ['Quotient familial', 'Transmise', [{ label: 'Quotient familial', lines: ['742 (octobre 2026, calculé par la CAF)'] }]],
      ['Enfants du foyer', 'Transmise', [{ label: 'Enfants', lines: [expect.stringMatching(/^Jules FONTAINE, .* le 3 juin 2017$/)] }]],
    ]);
    expect(JSON.stringify(view)).not.toMatch(/sha256|empreinte/i);
  });

  it('tells the citizen’s rights: access, rectification at the producer, withdrawal, and the data protection officer', async () => {
    const { view } = await transmitted();
    expect(view.rights.map((right) => right.title)).toEqual(['Accès', 'Rectification', 'Retrait']);
    expect(view.rights[1]?.text).toContain(
      'demandez sa correction à l’administration qui la produit : Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)',
    );
    // The service's name is feminine or masculine: the sentence does not depend on it.
    expect(view.rights[2]?.text).toContain('Mairie de Bellerive peut garder les informations déjà utilisées pour votre dossier');
    expect(view.contact.email).toBe(PUBLISHER.dataProtectionOfficer.email);
    expect(view.withdrawal.url).toMatch(/\/mon-espace\/transmissions\/PP-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });

  it('says why an item was not sent', async () => {
    const { view } = await transmitted([QF_DOWN]);
    expect(view.items.map((item) => [item.state, item.rows])).toEqual([
      ['Service indisponible : La CAF ou la MSA ne répond pas en ce moment.', []],
      ['Service indisponible : La CAF ou la MSA ne répond pas en ce moment.', []],
    ]);
    expect(view.valuesNote).toBeUndefined();
    // Nothing was sent: no « Conservées … jusqu’au » for data that do not exist.
    expect(view.retention).toBeUndefined();
  });

  it('after a withdrawal, says the values were erased and when, and no longer until when they are kept', async () => {
    const { justificatif } = await transmitted();
    await world.justificatifs.withdraw(justificatif, null);
    const { view } = await read(justificatif.reference);
    expect(view.items.every((item) => item.rows.length === 0)).toBe(true);
    expect(view.items.map((item) => item.state)).toEqual(['Transmise', 'Transmise']);
    expect(view.valuesNote).toMatch(/^Les valeurs ont été effacées le \d{1,2} [a-zéû]+ \d{4}, quand vous avez retiré ces informations\.$/);
    expect(view.retention).toMatch(/^Effacées le \d{1,2} [a-zéû]+ \d{4}$/);
    expect(JSON.stringify(view)).not.toContain('Conservées');
    expect(view.withdrawal).toEqual({
      text: expect.stringContaining(`Numéro du reçu d’effacement : ${justificatif.reference}-E.`),
      url: undefined,
    });
  });
});
