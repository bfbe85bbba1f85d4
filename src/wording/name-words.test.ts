import { describe, expect, it } from 'vitest';
import { nameWords } from './name-words.js';

describe('the words a name is found by', () => {
  it('ignores case, accents and punctuation, and splits compound names', () => {
    expect(nameWords('Angela Claire Louise DUBOIS')).toEqual(['angela', 'claire', 'louise', 'dubois']);
    expect(nameWords('Hélène')).toEqual(nameWords('HELENE'));
    expect(nameWords('Marie-Ève D’Arcy-Lefèvre')).toEqual(['marie', 'eve', 'd', 'arcy', 'lefevre']);
    expect(nameWords('Lætitia Œuvray')).toEqual(['laetitia', 'oeuvray']);
    expect(nameWords('  ')).toEqual([]);
  });

  it('keeps each word once', () => {
    expect(nameWords('Jean Jean')).toEqual(['jean']);
  });
});
