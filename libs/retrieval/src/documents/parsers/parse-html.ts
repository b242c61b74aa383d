import { Readability } from '@mozilla/readability';
import { DocumentParseError } from '../document-parse-error';
import type { ParsedDocument } from '../document.types';
import { htmlToText, type DomNode } from './html-to-text';
import { nodeRequire } from './node-require';

interface HtmlDocument extends DomNode {
  title: string;
  body: DomNode | null;
  documentElement: DomNode;
}

/** linkedom's entry point, typed to what we read (its typings name the DOM lib's types). */
type ParseHtml = (html: string) => { document: HtmlDocument };

function load(html: string): HtmlDocument {
  const { parseHTML } = nodeRequire('linkedom') as { parseHTML: ParseHtml };
  return parseHTML(html).document;
}

/** Readability's main content (article), or undefined when it finds none. */
function readArticle(html: string): { title?: string; content: string } | undefined {
  const doc = load(html);
  // Readability's typings name the DOM's Document; linkedom's document implements what it reads.
  const article = new Readability(doc, {
    charThreshold: 100,
  }).parse();
  if (!article?.content || !article.textContent?.trim()) return undefined;
  return { title: article.title?.trim() || undefined, content: article.content };
}

/**
 * An HTML page's main content (Mozilla Readability over linkedom) as text with its headings as
 * sections; when Readability finds no article, the whole body's text (scripts and styles left out).
 */
export function parseHtml(html: string): ParsedDocument {
  const article = readArticle(html);
  // Readability changes the document it reads: the fallback and the title read a fresh one.
  let page: HtmlDocument | undefined;
  const fresh = () => (page ??= load(html));
  const title = article?.title ?? (fresh().title.trim() || undefined);
  const root = article
    ? load(`<!DOCTYPE html><html><body>${article.content}</body></html>`).body
    : (fresh().body ?? fresh().documentElement);
  const { text, sections } = root ? htmlToText(root) : { text: '', sections: [] };
  if (text.trim() === '') {
    throw new DocumentParseError('no-text', 'The HTML page has no readable text.', 'html');
  }
  return { type: 'html', title, text, sections };
}
