/**
 * A strict, minimal XML well-formedness check for generated SVG (no dependency): balanced tags,
 * one root, quoted unique attributes, `&` only in entities, no raw `<` or `>` in text or values,
 * no characters XML forbids. Stricter than XML in one way: `>` must be escaped everywhere.
 */
const NAME = '[A-Za-z_][\\w:.-]*';
const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<>]*")*)\\s*(/?)>$`);
const ATTR = new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g');
const BAD_AMP = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** Every well-formedness problem found, as `offset: message`; empty when the document is fine. */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  if (FORBIDDEN.test(xml)) problems.push('0: contains a control character XML forbids');
  const body = xml.replace(/^<\?xml[^?]*\?>/, '');
  for (const m of body.matchAll(/<!--[\s\S]*?-->|<[^<]*?>|[^<]+|</g)) {
    const tok = m[0];
    const at = m.index ?? 0;
    if (tok.startsWith('<!--')) continue;
    if (!tok.startsWith('<')) {
      if (tok.includes('>')) problems.push(`${at}: raw ">" in text`);
      if (BAD_AMP.test(tok)) problems.push(`${at}: "&" outside an entity in text`);
      if (stack.length === 0 && tok.trim()) problems.push(`${at}: text outside the root element`);
      continue;
    }
    const t = TAG.exec(tok);
    if (!t) {
      problems.push(`${at}: malformed tag ${tok.slice(0, 60)}`);
      continue;
    }
    const [, closing, name, attrs, selfClosing] = t;
    const seen = new Set<string>();
    for (const a of attrs.matchAll(ATTR)) {
      if (seen.has(a[1])) problems.push(`${at}: duplicate attribute ${a[1]} on <${name}>`);
      seen.add(a[1]);
      if (BAD_AMP.test(a[2])) problems.push(`${at}: "&" outside an entity in ${name}@${a[1]}`);
    }
    if (closing) {
      if (attrs || selfClosing) problems.push(`${at}: closing tag with attributes`);
      const open = stack.pop();
      if (open !== name) problems.push(`${at}: </${name}> closes <${open ?? 'nothing'}>`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
  }
  if (stack.length) problems.push(`end: unclosed ${stack.map((s) => `<${s}>`).join(' ')}`);
  if (roots !== 1) problems.push(`end: ${roots} root elements, expected 1`);
  return problems;
}
