/**
 * XMP packets carrying `TC260:AIGC` (namespace `http://www.tc260.org.cn/ns/AIGC/1.0/`). The label
 * JSON is written as a simple property element; readers accept the element and the attribute form
 * under whatever prefix the packet binds to the namespace. An existing packet is updated in place
 * (its other properties are kept byte for byte); exactly one `AIGC` property remains.
 */
import { HeguiError } from '../engine/errors.js';

export const TC260_NS = 'http://www.tc260.org.cn/ns/AIGC/1.0/';
export const TC260_PREFIX = 'TC260';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** Escaping for element content: quotes stay as they are, so readers that skip entity decoding still see the JSON. */
export function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeXml(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Prefixes the packet binds to a namespace URI. */
function prefixesFor(packet: string, uri: string): string[] {
  const re = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)\\s*=\\s*(["'])${escapeRe(uri)}\\2`, 'g');
  return [...new Set([...packet.matchAll(re)].map((m) => m[1] ?? ''))];
}

interface Occurrence {
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly form: 'element' | 'attribute';
  /** Where the raw value starts and ends inside the packet. */
  readonly valueStart: number;
  readonly valueEnd: number;
}

function occurrences(packet: string): Occurrence[] {
  const found: Occurrence[] = [];
  for (const prefix of prefixesFor(packet, TC260_NS)) {
    const p = escapeRe(prefix);
    for (const m of packet.matchAll(
      new RegExp(`<${p}:AIGC(?:\\s[^>]*)?>([\\s\\S]*?)</${p}:AIGC\\s*>`, 'g'),
    )) {
      const raw = m[1] ?? '';
      const valueStart = m.index + m[0].indexOf('>') + 1;
      found.push({
        start: m.index,
        end: m.index + m[0].length,
        value: unescapeXml(raw.trim()),
        form: 'element',
        valueStart,
        valueEnd: valueStart + raw.length,
      });
    }
    for (const m of packet.matchAll(new RegExp(`(\\s)${p}:AIGC\\s*=\\s*(["'])([\\s\\S]*?)\\2`, 'g'))) {
      const raw = m[3] ?? '';
      const valueStart = m.index + m[0].length - 1 - raw.length;
      found.push({
        start: m.index,
        end: m.index + m[0].length,
        value: unescapeXml(raw),
        form: 'attribute',
        valueStart,
        valueEnd: valueStart + raw.length,
      });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Every `AIGC` value in the packet (normally zero or one). */
export function findAigcInXmp(packet: string): string[] {
  return occurrences(packet).map((o) => o.value);
}

export function newXmpPacket(json: string): string {
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">\n` +
    ` <rdf:RDF xmlns:rdf="${RDF_NS}">\n` +
    descriptionBlock('rdf', json) +
    ` </rdf:RDF>\n` +
    `</x:xmpmeta>\n` +
    `<?xpacket end="w"?>`
  );
}

function descriptionBlock(rdf: string, json: string): string {
  return (
    `  <${rdf}:Description ${rdf}:about="" xmlns:${TC260_PREFIX}="${TC260_NS}">\n` +
    `   <${TC260_PREFIX}:AIGC>${escapeXmlText(json)}</${TC260_PREFIX}:AIGC>\n` +
    `  </${rdf}:Description>\n`
  );
}

/**
 * Sets `AIGC` in an existing packet: the first occurrence gets the new value, any further ones are
 * removed, and a packet without one gets a new `rdf:Description` before `</rdf:RDF>`.
 */
export function upsertAigc(packet: string, json: string): string {
  const found = occurrences(packet);
  if (found.length > 0) {
    let out = packet;
    for (let i = found.length - 1; i >= 0; i--) {
      const o = found[i] as Occurrence;
      out =
        i === 0
          ? out.slice(0, o.valueStart) +
            (o.form === 'element' ? escapeXmlText(json) : escapeXml(json)) +
            out.slice(o.valueEnd)
          : out.slice(0, o.start) + out.slice(o.end);
    }
    return out;
  }
  const rdf = prefixesFor(packet, RDF_NS)[0];
  const close = rdf === undefined ? null : new RegExp(`</${escapeRe(rdf)}:RDF\\s*>`).exec(packet);
  if (rdf === undefined || close === null) {
    throw new HeguiError(
      'input_invalid',
      'the existing XMP packet has no rdf:RDF element to add the label to',
    );
  }
  return packet.slice(0, close.index) + descriptionBlock(rdf, json) + ' ' + packet.slice(close.index);
}
