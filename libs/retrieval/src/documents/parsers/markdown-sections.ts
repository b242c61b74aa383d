import type { DocumentSection } from '../document.types';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/** Tracks whether a line is inside a fenced code block (``` or ~~~, closed by a like fence). */
export class FenceTracker {
  private open: string | undefined;

  /** Feeds one line; true when the line is part of a fence (its markers included). */
  feed(line: string): boolean {
    const marker = FENCE.exec(line)?.[1];
    if (this.open === undefined) {
      if (marker) this.open = marker;
      return marker !== undefined;
    }
    if (
      marker &&
      marker[0] === this.open[0] &&
      marker.length >= this.open.length &&
      line.trim() === marker
    ) {
      this.open = undefined;
    }
    return true;
  }

  get inside(): boolean {
    return this.open !== undefined;
  }
}

/**
 * Markdown split at its ATX headings (never inside code fences): each section keeps the path of
 * headings above it and its 1-based line range. Text before the first heading has an empty path.
 */
export function markdownSections(text: string): DocumentSection[] {
  const lines = text.split('\n');
  const sections: DocumentSection[] = [];
  const path: { level: number; title: string }[] = [];
  const fences = new FenceTracker();
  let start = 0;
  const close = (end: number) => {
    const body = lines.slice(start, end).join('\n');
    if (body.trim() !== '') {
      sections.push({
        headingPath: path.map((h) => h.title),
        text: body.replace(/\s+$/, ''),
        startLine: start + 1,
        endLine: start + body.replace(/\s+$/, '').split('\n').length,
      });
    }
  };
  lines.forEach((line, i) => {
    const wasInside = fences.inside;
    if (fences.feed(line) || wasInside) return;
    const heading = HEADING.exec(line);
    if (!heading) return;
    close(i);
    start = i;
    const level = heading[1].length;
    while (path.length > 0 && path.at(-1)!.level >= level) path.pop();
    path.push({ level, title: heading[2] });
  });
  close(lines.length);
  return sections;
}
