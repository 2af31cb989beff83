import { describe, expect, it } from 'vitest';
import { jsonValueLocations, locateField } from '../../domain/json-locations.js';

describe('JSON value locations', () => {
  const text = [
    '{',
    '  "format": "concerto.convention-setup",',
    '  "people": [',
    '    { "email": "a@example.org", "displayName": "A \\" \\u00e9 ]" },',
    '    {',
    '      "email": "pas-une-adresse",',
    '      "admin": true, "phone": null, "n": -1.5e3',
    '    }',
    '  ],',
    '  "vide": {}, "liste": []',
    '}',
  ].join('\n');
  const locations = jsonValueLocations(text);

  it('finds each value by its dotted path, line and column as an editor counts them', () => {
    expect(locations.get('')).toEqual({ line: 1, column: 1 });
    expect(locations.get('format')).toEqual({ line: 2, column: 13 });
    expect(locations.get('people')).toEqual({ line: 3, column: 13 });
    expect(locations.get('people.0')).toEqual({ line: 4, column: 5 });
    expect(locations.get('people.0.displayName')).toEqual({ line: 4, column: 48 });
    expect(locations.get('people.1.email')).toEqual({ line: 6, column: 16 });
    expect(locations.get('people.1.n')).toEqual({ line: 7, column: 42 });
    expect(locations.get('vide')).toEqual({ line: 10, column: 11 });
    expect(locations.get('liste')).toEqual({ line: 10, column: 24 });
    expect(locations.size).toBe(13);
  });

  it('places a missing field at its nearest ancestor', () => {
    expect(locateField(locations, 'people.1.displayName')).toEqual({ line: 5, column: 5 });
    expect(locateField(locations, 'people.1.email')).toEqual({ line: 6, column: 16 });
    expect(locateField(locations, 'convention.slug')).toEqual({ line: 1, column: 1 });
    expect(locateField(new Map(), 'people.0')).toBeUndefined();
  });

  it('keeps what it read before a fault', () => {
    const broken = jsonValueLocations('{\n  "a": 1,\n  "b": [2, oops');
    expect(broken.get('a')).toEqual({ line: 2, column: 8 });
    expect(broken.get('b.0')).toEqual({ line: 3, column: 9 });
  });
});
