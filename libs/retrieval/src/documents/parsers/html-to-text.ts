import type { DocumentSection } from '../document.types';

/** The part of a DOM node the walk reads (linkedom's nodes have it). */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;
const SKIP = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'IFRAME',
  'BUTTON',
  'FORM',
]);
const BLOCK = new Set([
  'P',
  'DIV',
  'SECTION',
  'ARTICLE',
  'MAIN',
  'ASIDE',
  'HEADER',
  'FOOTER',
  'NAV',
  'UL',
  'OL',
  'LI',
  'TABLE',
  'TR',
  'BLOCKQUOTE',
  'FIGURE',
  'FIGCAPTION',
  'DL',
  'DT',
  'DD',
  'HR',
  'ADDRESS',
]);

/** Text of an HTML tree with paragraphs, headings as sections, and `<pre>` kept as fenced blocks. */
class TextWalker {
  readonly sections: DocumentSection[] = [];
  private headingPath: string[] = [];
  private headingLevels: number[] = [];
  private blocks: string[] = [];
  private line = '';

  walk(node: DomNode): void {
    if (node.nodeType === TEXT_NODE) {
      this.line += (node.textContent ?? '').replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== ELEMENT_NODE && node.nodeType !== 9 && node.nodeType !== 11) return;
    const name = node.nodeName.toUpperCase();
    if (SKIP.has(name)) return;
    const heading = /^H([1-6])$/.exec(name);
    if (heading) return this.heading(Number(heading[1]), node.textContent ?? '');
    if (name === 'PRE') return this.pre(node.textContent ?? '');
    if (name === 'BR') return this.flush();
    const block = BLOCK.has(name);
    if (block) this.flush();
    if (name === 'LI') this.line = '- ';
    // Siblings by link: linkedom builds `childNodes` afresh on each access.
    for (let child = node.firstChild; child; child = child.nextSibling) this.walk(child);
    if (block) this.flush();
  }

  finish(): { text: string; sections: DocumentSection[] } {
    this.closeSection();
    return { text: this.sections.map((s) => s.text).join('\n\n'), sections: this.sections };
  }

  private flush(): void {
    const text = this.line.trim();
    if (text !== '' && text !== '-') this.blocks.push(text);
    this.line = '';
  }

  private heading(level: number, title: string): void {
    this.flush();
    this.closeSection();
    while (this.headingLevels.length > 0 && this.headingLevels.at(-1)! >= level) {
      this.headingLevels.pop();
      this.headingPath.pop();
    }
    const clean = title.replace(/\s+/g, ' ').trim();
    this.headingLevels.push(level);
    this.headingPath.push(clean);
    this.blocks.push(`${'#'.repeat(level)} ${clean}`);
  }

  private pre(code: string): void {
    this.flush();
    this.blocks.push('```\n' + code.replace(/^\n+|\s+$/g, '') + '\n```');
  }

  private closeSection(): void {
    this.flush();
    const text = this.blocks.join('\n\n').trim();
    if (text !== '') this.sections.push({ headingPath: [...this.headingPath], text });
    this.blocks = [];
  }
}

/** The readable text of a DOM subtree, split into sections by its headings. */
export function htmlToText(root: DomNode): { text: string; sections: DocumentSection[] } {
  const walker = new TextWalker();
  walker.walk(root);
  return walker.finish();
}
