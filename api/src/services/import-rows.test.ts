import { describe, expect, it } from 'vitest';
import { type AttributeDefinitionLite, checkRow, readImportFile } from './import-rows.ts';

const defs = new Map<string, AttributeDefinitionLite>([
  ['visits', { type: 'number', status: 'active' }],
  ['vip', { type: 'boolean', status: 'active' }],
  ['old', { type: 'text', status: 'archived' }],
]);

describe('reading import files (RFC 4180 CSV, JSON)', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM and line breaks inside quotes, keeping line numbers', () => {
    const rows = readImportFile('csv', '\uFEFFMember ID,Name,Tags\r\nA,"Chen, Wei","x,y"\r\nB,"say ""hi""\nagain",\r\nC,Plain,z\r\n');
    expect(rows.map((r) => [r.row, r.line, r.fields.memberId, r.fields.name])).toEqual([
      [1, 2, 'A', 'Chen, Wei'],
      [2, 3, 'B', 'say "hi"\nagain'],
      [3, 5, 'C', 'Plain'],
    ]);
  });

  it('accepts header spellings case-insensitively, and attribute columns as attr:<key>', () => {
    const [row] = readImportFile('csv', 'member_id,POINT BALANCE,attr:visits\nA,-5,3');
    expect(row).toMatchObject({ fields: { memberId: 'A', points: '-5' }, attributes: [['visits', '3']] });
  });

  it.each([
    ['an unknown column', 'Member ID,Colour\nA,red', /Unknown column "Colour"/],
    ['a column twice', 'Name,name\nA,B', /appears twice/],
    ['a bad attribute key', 'attr:has space\nx', /attribute keys/],
    ['an unterminated quote', 'Name\n"open', /not valid CSV/],
    ['rows of different lengths', 'Name,Email\nA', /not valid CSV/],
    ['no data rows', 'Member ID\n', /no data rows/],
  ])('refuses a CSV file with %s', (_what, content, message) => {
    expect(() => readImportFile('csv', content)).toThrow(message);
  });

  it('refuses JSON that is not an array, and reads "__proto__" as an ordinary attribute key', () => {
    expect(() => readImportFile('json', '{"rows":[]}')).toThrow(/array of objects/);
    const [row] = readImportFile('json', '[{"memberId":"A","attributes":{"__proto__":1}}]');
    expect(row!.attributes).toEqual([['__proto__', 1]]);
    expect(checkRow(row!, 'customers', 'json', defs)).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'attributes.__proto__', message: expect.stringContaining('Unknown attribute') })],
    });
  });
});

describe('checking a row', () => {
  const csvRow = (fields: Record<string, string>, attributes: [string, string][] = []) => ({ row: 7, line: 8, fields, attributes });

  it('types a good row: phone normalised, tags split and de-duplicated, attributes parsed, points signed', () => {
    const result = checkRow(
      csvRow({ memberId: 'A', phone: '+886 911-223-344', email: 'A@B.co', tags: 'x; y,x', points: '-20' }, [
        ['visits', '3'],
        ['vip', 'yes'],
      ]),
      'customers',
      'csv',
      defs,
    );
    expect(result).toEqual({
      ok: true,
      row: {
        row: 7,
        line: 8,
        memberId: 'A',
        phone: '886911223344',
        email: 'a@b.co',
        tags: ['x', 'y'],
        points: -20,
        attributes: [
          ['visits', 3],
          ['vip', true],
        ],
      },
    });
  });

  it('reports every bad field of a row with its row, line and column', () => {
    const result = checkRow(
      csvRow({ phone: '0911', email: 'nope', points: '1.5' }, [
        ['visits', 'many'],
        ['old', 'x'],
      ]),
      'customers',
      'csv',
      defs,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.line, e.field])).toEqual([
      [7, 8, 'Phone'],
      [7, 8, 'Email'],
      [7, 8, 'Member ID'],
      [7, 8, 'Point Balance'],
      [7, 8, 'attr:visits'],
      [7, 8, 'attr:old'],
    ]);
    expect(result.errors.find((e) => e.field === 'attr:old')?.message).toContain('archived');
    expect(result.errors.find((e) => e.field === 'attr:visits')?.message).toContain('invalid_format');
  });

  it('needs channel, channel id and user id for social contacts', () => {
    const result = checkRow({ row: 1, fields: { channel: 'LINE' }, attributes: [] }, 'social_contacts', 'json', defs);
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'channelId' }), expect.objectContaining({ field: 'externalUserId' })],
    });
  });
});
