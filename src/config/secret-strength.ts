/**
 * How much guessing a secret would take, estimated from the secret itself: the length of its shortest repeating
 * unit times the Shannon entropy of that unit's own characters (or bytes). A random value scores about its true
 * strength; 48 × « a », a word repeated or a short string scores low. It cannot tell a random-looking string somebody
 * copied from elsewhere: it only refuses what is visibly weak.
 */
export function estimatedBits(symbols: ReadonlyArray<string | number>): number {
  const unit = symbols.slice(0, shortestPeriod(symbols));
  const counts = new Map<string | number, number>();
  for (const symbol of unit) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  let perSymbol = 0;
  for (const count of counts.values()) {
    const p = count / unit.length;
    perSymbol -= p * Math.log2(p);
  }
  return Math.round(perSymbol * unit.length);
}

/** The length of the shortest unit the sequence repeats (the whole length when it repeats none). */
function shortestPeriod(symbols: ReadonlyArray<string | number>): number {
  for (let period = 1; period <= symbols.length / 2; period += 1) {
    if (symbols.every((symbol, index) => symbol === symbols[index % period])) return period;
  }
  return symbols.length;
}

/** The bits of a text secret, read as characters. */
export const textSecretBits = (value: string): number => estimatedBits([...value]);

/** The bits of a binary key given in base64url, read as bytes. */
export const keyBits = (base64url: string): number => estimatedBits([...Buffer.from(base64url, 'base64url')]);
