// A tiny Markdown renderer for artifact previews: headings, paragraphs, lists, tables, fenced code,
// inline code, bold, italics and http(s) links. It builds React elements (never HTML strings), so
// whatever the artifact contains is rendered as text: no HTML injection is possible.
import type { ReactNode } from 'react';

export function renderMarkdown(source: string): ReactNode[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: ReactNode[] = [];
  let i = 0;
  const key = () => `b${blocks.length}`;

  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^```(.*)$/.exec(line.trim());
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith('```')) code.push(lines[i++]!);
      i++;
      blocks.push(<pre key={key()} className="md-code"><code>{code.join('\n')}</code></pre>);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const Tag = `h${level}` as 'h1';
      blocks.push(<Tag key={key()}>{inline(heading[2]!)}</Tag>);
      i++;
      continue;
    }
    if (isTableRow(line) && i + 1 < lines.length && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1]!)) {
      const header = cells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && isTableRow(lines[i]!)) rows.push(cells(lines[i++]!));
      blocks.push(
        <table key={key()} className="md-table">
          <thead><tr>{header.map((c, j) => <th key={j}>{inline(c)}</th>)}</tr></thead>
          <tbody>{rows.map((r, k) => <tr key={k}>{r.map((c, j) => <td key={j}>{inline(c)}</td>)}</tr>)}</tbody>
        </table>,
      );
      continue;
    }
    const listItem = /^\s*([-*+]|\d+[.)])\s+(.*)$/;
    if (listItem.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      while (i < lines.length && listItem.test(lines[i]!)) items.push(listItem.exec(lines[i++]!)![2]!);
      const children = items.map((t, j) => <li key={j}>{inline(t)}</li>);
      blocks.push(ordered ? <ol key={key()}>{children}</ol> : <ul key={key()}>{children}</ul>);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6}\s|```|\s*([-*+]|\d+[.)])\s)/.test(lines[i]!) && !isTableRow(lines[i]!)) {
      paragraph.push(lines[i++]!);
    }
    if (paragraph.length === 0) paragraph.push(lines[i++]!);
    blocks.push(<p key={key()}>{inline(paragraph.join(' '))}</p>);
  }
  return blocks;
}

function isTableRow(line: string): boolean {
  return /^\s*\|.*\|\s*$/.test(line);
}

function cells(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

const inlinePattern = /(`[^`]+`)|(\*\*[^*]+\*\*)|(__[^_]+__)|(\*[^*\s][^*]*\*)|(_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/;

/** Inline markup to React nodes; backslash escapes are honoured. */
export function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let n = 0;
  while (rest.length > 0) {
    const match = inlinePattern.exec(rest);
    if (!match) {
      out.push(unescape(rest));
      break;
    }
    if (match.index > 0) out.push(unescape(rest.slice(0, match.index)));
    const token = match[0];
    const k = `i${n++}`;
    if (token.startsWith('`')) out.push(<code key={k}>{token.slice(1, -1)}</code>);
    else if (token.startsWith('**') || token.startsWith('__')) out.push(<strong key={k}>{inline(token.slice(2, -2))}</strong>);
    else if (token.startsWith('*') || token.startsWith('_')) out.push(<em key={k}>{inline(token.slice(1, -1))}</em>);
    else {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token)!;
      const href = link[2]!;
      out.push(/^https?:\/\//i.test(href) ? <a key={k} href={href} target="_blank" rel="noopener noreferrer">{link[1]}</a> : unescape(link[1]!));
    }
    rest = rest.slice(match.index + token.length);
  }
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!|>])/g, '$1');
}
