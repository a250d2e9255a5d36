// A display formula typeset by KaTeX (HTML for the eye, MathML for screen readers). The TeX comes
// from app/content/layers.ts, never from the user; a formula KaTeX cannot parse shows as its source.
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { useMemo } from 'react';

export function Formula({ tex }: { tex: string }) {
  const html = useMemo(
    () => katex.renderToString(tex, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' }),
    [tex],
  );
  return <div className="formula" dangerouslySetInnerHTML={{ __html: html }} />;
}
