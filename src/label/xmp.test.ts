import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyLabel, labelToJson } from './model.js';
import { escapeXmlText, findAigcInXmp, newXmpPacket, upsertAigc } from './xmp.js';

const JSON1 = '{"Label":"1","ContentProducer":"A&B<C>","ProduceID":"x"}';
const JSON2 = '{"Label":"2","ContentProducer":"","ProduceID":""}';

const FOREIGN = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><RDF:RDF xmlns:RDF="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<RDF:Description RDF:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>someone</dc:creator></RDF:Description>
</RDF:RDF></x:xmpmeta><?xpacket end="w"?>`;

describe('XMP TC260:AIGC', () => {
  it('a new packet carries the JSON, escaped for XML, and reads back', () => {
    const packet = newXmpPacket(JSON1);
    expect(packet).toContain('xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"');
    expect(packet).toContain(
      '<TC260:AIGC>{"Label":"1","ContentProducer":"A&amp;B&lt;C&gt;","ProduceID":"x"}</TC260:AIGC>',
    );
    expect(findAigcInXmp(packet)).toEqual([JSON1]);
  });

  it('updates an existing packet without touching its other properties', () => {
    const added = upsertAigc(FOREIGN, JSON1);
    expect(added).toContain('<dc:creator>someone</dc:creator>');
    expect(added).toContain('<RDF:Description RDF:about="" xmlns:TC260=');
    expect(findAigcInXmp(added)).toEqual([JSON1]);
    const updated = upsertAigc(added, JSON2);
    expect(findAigcInXmp(updated)).toEqual([JSON2]);
    expect(updated).toBe(added.replace(escapeXmlText(JSON1), JSON2));
  });

  it('reads the attribute form under any prefix bound to the namespace, and counts duplicates', () => {
    const attr = FOREIGN.replace(
      '<RDF:Description RDF:about=""',
      `<RDF:Description RDF:about="" xmlns:aigc='http://www.tc260.org.cn/ns/AIGC/1.0/' aigc:AIGC='{&quot;Label&quot;:&quot;3&quot;}'`,
    );
    expect(findAigcInXmp(attr)).toEqual(['{"Label":"3"}']);
    expect(findAigcInXmp(upsertAigc(attr, JSON2))).toEqual([JSON2]);
    const both = attr.replace('<dc:creator>', `<aigc:AIGC>${JSON2}</aigc:AIGC><dc:creator>`);
    expect(findAigcInXmp(both)).toHaveLength(2);
    expect(findAigcInXmp(upsertAigc(both, JSON1))).toEqual([JSON1]);
  });

  it('ignores the property under a different namespace and refuses a packet without rdf:RDF', () => {
    expect(findAigcInXmp(FOREIGN.replace('<dc:creator>', '<dc:AIGC>x</dc:AIGC><dc:creator>'))).toEqual([]);
    expect(() => upsertAigc('<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>', JSON1)).toThrow(/rdf:RDF/);
  });
});

describe('XMP escaping (property)', () => {
  it('any label JSON survives a write into a packet and a read back, in element and attribute form', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (id, producer) => {
        const json = labelToJson({ ...emptyLabel('1'), ContentProducer: producer, ProduceID: id });
        const packet = upsertAigc(FOREIGN, json);
        const attr = FOREIGN.replace(
          '<RDF:Description RDF:about=""',
          `<RDF:Description RDF:about="" xmlns:t='http://www.tc260.org.cn/ns/AIGC/1.0/' t:AIGC='x'`,
        );
        return (
          JSON.stringify(findAigcInXmp(packet)) === JSON.stringify([json]) &&
          JSON.stringify(findAigcInXmp(upsertAigc(attr, json))) === JSON.stringify([json])
        );
      }),
    );
  });
});
