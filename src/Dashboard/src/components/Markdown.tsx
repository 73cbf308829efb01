// Markdown of artifact previews through react-markdown (CommonMark + GFM tables and lists). Raw HTML in an artifact
// is never rendered (react-markdown only renders it with rehype-raw, which is not installed: it shows as text), links
// open only for http(s) targets and in a new tab, and images are not fetched (an artifact could point at any host).
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

const components: Components = {
  a: ({ href, children }) =>
    href && /^https?:\/\//i.test(href) ? (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <>{children}</>
    ),
  img: ({ alt }) => <span className="muted">[image: {alt ?? ''}]</span>,
  pre: ({ children }) => <pre className="md-code">{children}</pre>,
  table: ({ children }) => <table className="md-table">{children}</table>,
};

export function Markdown({ source }: { source: string }) {
  return (
    <ReactMarkdown remarkPlugins={[remarkGfm]} components={components} skipHtml={false}>
      {source}
    </ReactMarkdown>
  );
}
