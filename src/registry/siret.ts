/** A SIRET is 14 digits whose Luhn sum is a multiple of 10; La Poste's establishments (SIREN 356000000) use a sum multiple of 5. */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  let sum = 0;
  for (let index = 0; index < 14; index += 1) {
    let digit = Number(siret[13 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  if (siret.startsWith('356000000')) return sum % 5 === 0;
  return sum % 10 === 0;
}
