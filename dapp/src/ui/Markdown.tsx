/**
 * Markdown written by other people (proposal and poll descriptions), rendered safely:
 * react-markdown builds React elements and never injects HTML (raw HTML in the source is shown as
 * text), its URL filter drops `javascript:` and other unsafe links, links open in a new tab
 * without the opener, and images are shown as links (a remote image would tell its host who
 * reads the page). Lazy-load it: `lazy(() => import("../ui/Markdown.tsx"))`.
 */
import ReactMarkdown, { type Components } from "react-markdown";

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  img: ({ src, alt }) =>
    typeof src === "string" ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow">
        {alt || src}
      </a>
    ) : null,
};

export default function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown components={components} skipHtml>
        {source}
      </ReactMarkdown>
    </div>
  );
}
