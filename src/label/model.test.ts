import { describe, expect, it } from 'vitest';
import { AIGC_FIELDS, emptyLabel, labelToJson, newContentId, parseLabelJson } from './model.js';

const LABEL = {
  ...emptyLabel('1'),
  ContentProducer: '001191110102MACQD9K64010000',
  ProduceID: 'abc123',
};

function codes(json: string) {
  return parseLabelJson(json).issues.map((i) => `${i.fatal ? 'F' : 'w'}:${i.code}`);
}

describe('AIGC label model', () => {
  it('serialises all seven fields in the standard order', () => {
    const json = labelToJson({ ...LABEL, ReservedCode2: 'x', ContentPropagator: 'p' });
    expect(Object.keys(JSON.parse(json))).toEqual([...AIGC_FIELDS]);
    expect(
      json.startsWith('{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"abc123"'),
    ).toBe(true);
  });

  it('parses its own output without issues, and the {"AIGC": …} wrapper', () => {
    const json = labelToJson(LABEL);
    expect(parseLabelJson(json)).toEqual({ label: LABEL, issues: [], wrapped: false });
    const wrapped = parseLabelJson(`{"AIGC":${json}}`);
    expect(wrapped.wrapped).toBe(true);
    expect(wrapped.label).toEqual(LABEL);
  });

  it('reports malformed JSON, wrong types, bad Label values and missing required fields as fatal', () => {
    expect(codes('{"Label":"1",')).toEqual(['F:malformed_json']);
    expect(codes('[1,2]')).toEqual(['F:malformed_json']);
    expect(codes('{"Label":1,"ContentProducer":"a","ProduceID":"b"}')).toContain('F:field_type');
    expect(codes('{"Label":"4","ContentProducer":"a","ProduceID":"b"}')).toContain('F:bad_label_value');
    expect(codes('{"Label":"1","ProduceID":"b"}')).toContain('F:missing_field');
    expect(codes('{"Label":"1","ContentProducer":"","ProduceID":"b"}')).toContain('F:empty_field');
    expect(parseLabelJson('{"Label":"4","ContentProducer":"a","ProduceID":"b"}').label).toBeUndefined();
  });

  it('warns (not fails) about order, unknown fields, optional fields missing and non-ASCII values', () => {
    const c = codes('{"ContentProducer":"a","Label":"1","ProduceID":"b c","Extra":"x"}');
    expect(c).toEqual(
      expect.arrayContaining(['w:field_order', 'w:unknown_field', 'w:missing_field', 'w:field_charset']),
    );
    expect(c.every((x) => x.startsWith('w:'))).toBe(true);
  });

  it('content IDs are unique, printable, and sort by time', () => {
    const ids = new Set(Array.from({ length: 20000 }, () => newContentId()));
    expect(ids.size).toBe(20000);
    for (const id of [...ids].slice(0, 100))
      expect(id).toMatch(/^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(newContentId(1_000_000) < newContentId(2_000_000)).toBe(true);
  });
});
