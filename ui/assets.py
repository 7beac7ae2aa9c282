"""CSS and the small browser scripts of the app.

The scripts only route clicks: they read ``data-*`` attributes the server
wrote and send them back as event data (``trigger``), or scroll inside the
report view. They never insert text into the page, so escaping stays on the
server side (``ui.render``, ``ui.reader``).
"""

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#status-line { font-size: 0.95rem; }
#status-line .status { padding: 6px 10px; border-radius: 6px; background: #eef6ee; }
#status-line .status.building { background: #fff7e0; }
#status-line .status.error { background: #fdecec; color: #8a1c1c; }
.status progress { width: 240px; vertical-align: middle; margin-left: 8px; }
.view { font-size: 1rem; line-height: 1.6; color: #1f2328; }
.view h3 { margin: 0.4em 0; font-size: 1.15rem; }
.view .muted { color: #59636e; font-size: 0.9rem; }
.view mark.fig { background: #ffe58a; padding: 0 2px; border-radius: 3px; font-weight: 600; }
.answer { border-left: 4px solid #2f6feb; padding: 6px 14px; background: #f6f9ff; }
.answer.abstained { border-left-color: #bf8700; background: #fffbea; }
.answer-text { font-size: 1.05rem; margin: 0.3em 0; }
a.cite, .view [data-kind] { cursor: pointer; }
a.cite { color: #0b57d0; font-weight: 600; text-decoration: none; padding: 0 1px; }
a.cite:hover, a.open-link:hover, .doc-list tr:hover td { text-decoration: underline; }
ol.sources, ol.hits { padding-left: 1.2em; }
li.source, li.hit { margin: 10px 0; padding: 8px 10px; border: 1px solid #d8dee4;
  border-radius: 6px; background: #fff; }
.source-title { font-weight: 600; color: #0b57d0; }
.meta { color: #59636e; font-size: 0.88rem; }
blockquote.quote .cited { background: #fff3c4; }
blockquote.quote { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #d0d7de;
  background: #f6f8fa; }
ul.notes { margin: 4px 0 0 0; padding-left: 1em; font-size: 0.9rem; color: #3d444d; }
a.open-link { font-size: 0.88rem; color: #0b57d0; }
.error-box { padding: 8px 12px; background: #fdecec; color: #8a1c1c; border-radius: 6px; }
.warn-box { padding: 8px 12px; background: #fff7e0; border-radius: 6px; margin: 4px 0; }
.notice { padding: 6px 10px; margin: 4px 0; background: #eef3fb; border-radius: 6px; }
ul.changes, ul.elsewhere { margin: 4px 0; padding-left: 1.2em; }
/* Gradio's progress text in the page's own font (not monospace), over an opaque overlay;
   its timer and queue counter ("2.1s", English number format) are hidden: the text says
   what is happening, in Vietnamese */
.gradio-container { --font-mono: var(--font); }
.gradio-container .wrap.translucent { background: rgba(255, 255, 255, 0.94) !important; }
.gradio-container .meta-text, .gradio-container .meta-text-center { display: none !important; }
.ok-box { padding: 8px 12px; background: #eef6ee; border-radius: 6px; }
table.doc-list { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
.view table.doc-list th, .view table.doc-list td { border: 0 !important;
  border-bottom: 1px solid #d8dee4 !important; padding: 6px 8px; text-align: left;
  vertical-align: top; }
table.doc-list tr[data-kind] { cursor: pointer; }
table.doc-list td.num { text-align: right; }
.reader-head h2 { margin: 0 0 4px 0; font-size: 1.3rem; }
.reader-banner { margin: 8px 0; padding: 6px 10px; background: #fff7e0; border-radius: 6px; }
.reader-body { display: flex; gap: 16px; align-items: flex-start; }
nav.toc { flex: 0 0 270px; max-height: 72vh; overflow-y: auto; font-size: 0.88rem;
  border-right: 1px solid #d8dee4; padding-right: 8px; }
nav.toc ul { list-style: none; padding-left: 0; margin: 0; }
nav.toc li { margin: 3px 0; }
nav.toc a { color: #1f2328; text-decoration: none; cursor: pointer; }
nav.toc a:hover { text-decoration: underline; }
nav.toc li.current > a { font-weight: 700; color: #0b57d0; }
nav.toc .lvl-2 { padding-left: 12px; } nav.toc .lvl-3 { padding-left: 24px; }
nav.toc .lvl-4, nav.toc .lvl-5 { padding-left: 36px; }
.doc-scroll { flex: 1 1 auto; max-height: 72vh; overflow-y: auto; padding: 0 12px 0 4px; }
article.doc p { margin: 0.5em 0; text-align: justify; }
article.doc p.front { text-align: center; color: #3d444d; margin: 0.2em 0; }
article.doc .h { margin: 1em 0 0.4em 0; line-height: 1.35; }
article.doc h3.h { font-size: 1.15rem; } article.doc h4.h { font-size: 1.05rem; }
article.doc h5.h, article.doc h6.h { font-size: 1rem; }
article.doc .passage { background: #eaf2ff; }
article.doc mark.cited { background: #ffd54f; padding: 1px 0; }
sup.fn-ref a { color: #0b57d0; cursor: pointer; font-size: 0.75em; }
sup.fn-ref.cited a { background: #ffd54f; font-weight: 700; }
aside.fn-block { margin: 2px 0 10px 24px; padding: 4px 10px; border-left: 2px solid #d0d7de;
  font-size: 0.88rem; color: #3d444d; }
aside.fn-block p.fn { margin: 2px 0; text-align: left; }
aside.fn-block p.fn.cited-fn { background: #fff3c4; border-radius: 4px; padding: 2px 6px; }
.fn-label { font-weight: 600; color: #8a5a00; margin-right: 4px; }
figure.tbl { margin: 12px 0; }
figure.tbl figcaption { font-weight: 600; margin-bottom: 4px; }
.tbl-scroll { overflow-x: auto; max-width: 100%; }
.view table.data-table { border-collapse: collapse; font-size: 0.85rem; }
.view table.data-table th, .view table.data-table td { border: 1px solid #d0d7de;
  padding: 2px 6px; vertical-align: top; }
.view table.data-table th { background: #f6f8fa; text-align: center; }
.view table.data-table td.num { text-align: right; white-space: nowrap; }
.view table.data-table tr.cited-row td { background: #fff8e1; }
.view table.data-table td.cited-cell { background: #ffd54f; outline: 2px solid #bf8700; }
.reader-banner.scanned { background: #fdecec; color: #8a1c1c; }
.source .scanned-note { color: #8a1c1c; font-size: 0.88rem; }
.page-mark { display: block; text-align: center; color: #8c959f; font-size: 0.8rem;
  margin: 6px 0; }
/* the answer: the asked figure first and large, then its statement, parts, other lines */
.headline { margin: 4px 0 10px 0; padding: 10px 14px; background: #fff; border: 1px solid
  #c9d7f2; border-radius: 8px; }
.hl-indicator { color: #3d444d; font-size: 0.95rem; font-weight: 600; }
.hl-figure { font-size: 2rem; line-height: 1.25; font-weight: 700; color: #0b2e6e; }
.hl-figure a.cite { font-size: 1rem; vertical-align: super; }
.hl-scope { color: #8a5a00; font-weight: 600; }
.hl-rest { font-size: 1.05rem; color: #1f2328; }
.answer-lines p.lead { margin: 6px 0; }
.answer-lines h4 { margin: 10px 0 2px 0; font-size: 1rem; }
.answer-lines ul { margin: 2px 0; padding-left: 1.3em; }
.answer-lines ul.sub { padding-left: 1.1em; list-style: circle; }
.answer-lines li { margin: 3px 0; }
.answer-lines .line-label, .series-lines .line-label { color: #59636e; }
.view .series-lines li > mark.fig ~ mark.fig, .view .answer-lines mark.fig,
.view blockquote.quote mark.fig,
.view ul.notes mark.fig { background: transparent;
  padding: 0; font-weight: 600; }
.fn-note { margin: 2px 0 4px 0; padding: 2px 8px; border-left: 2px solid #d0b37a;
  background: #fffaf0; font-size: 0.9rem; color: #3d444d; }
ul.sources { list-style: none; padding-left: 0; }
.src-n { color: #0b57d0; margin-right: 4px; }
.scope { color: #8a5a00; }
.parts-apart { margin-top: 10px; font-size: 0.92rem; }
.parts-apart li { cursor: pointer; }
/* a phone (390 px): nothing wider than the screen, the answer first and readable (Gradio
   scopes these rules to the page's content; the page's own margins are in HEAD) */
.view, .view * { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  #tabs .tab-container button { padding: 4px 5px !important; font-size: 0.84rem !important;
    min-width: 0 !important; }
  #ask-row > #ask-btn { flex: 0 0 auto !important; min-width: 64px !important; }
  .answer { padding: 6px 8px; }
  .answer-lines ul { padding-left: 1.1em; }
  .hl-figure { font-size: 1.7rem; }
  .reader-body { flex-direction: column; }
  nav.toc { flex: none; max-height: 30vh; width: 100%; border-right: 0;
    border-bottom: 1px solid #d8dee4; }
  .doc-scroll { max-height: none; padding: 0; }
  table.doc-list, table.doc-list tbody, table.doc-list tr, table.doc-list td {
    display: block; width: 100%; }
  table.doc-list thead { display: none; }
  .view table.doc-list, .view table.doc-list tr, .view table.doc-list td {
    border-left: 0 !important; border-right: 0 !important; border-top: 0 !important; }
  .view table.doc-list td { border-bottom: 0 !important; padding: 2px 4px; }
  .view table.doc-list tr { border-bottom: 1px solid #d8dee4; padding: 6px 0; }
  table.doc-list td[data-th]::before { content: attr(data-th) ": "; color: #59636e; }
  .status progress { width: 120px; }
}
"""

# Clicks on [n] markers, sources, passages and report rows carry their data-* back.
CLICK_JS = """
const fire = (el) => {
  const d = el.dataset;
  trigger('click', {kind: d.kind || '', n: d.n || '', chunk: d.chunk || '', doc: d.doc || ''});
};
const pick = (e) => {
  const el = e.target.closest('[data-kind]');
  return el && element.contains(el) ? el : null;
};
element.addEventListener('click', (e) => {
  const el = pick(e);
  if (el) { e.preventDefault(); fire(el); }
});
element.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = pick(e);
  if (el) { e.preventDefault(); fire(el); }
});
"""

# Report view: scroll the cited passage into view once it is visible (the view may
# sit in a hidden tab when it is filled), and let the section tree / footnote
# markers scroll within the page instead of changing the URL.
READER_JS = """
let pending = true;
const target = () => element.querySelector('#cited-cell') || element.querySelector('mark.cited')
  || element.querySelector('.passage');
const visible = () => element.getClientRects().length > 0;
const go = () => {
  if (!visible()) return;
  pending = false;
  const head = element.querySelector('.reader');
  if (!head) return;
  const t = target();
  if (t) { t.scrollIntoView({block: 'center', inline: 'center'}); return; }
  const s = element.querySelector('.doc-scroll');
  if (s) s.scrollTop = 0;
  head.scrollIntoView({block: 'start'});
};
watch('value', () => { pending = true; requestAnimationFrame(go); });
new IntersectionObserver((es) => {
  if (pending && es.some((x) => x.isIntersecting)) requestAnimationFrame(go);
}).observe(element);
requestAnimationFrame(go);
element.addEventListener('click', (e) => {
  const a = e.target.closest('[data-target]');
  if (!a || !element.contains(a)) return;
  e.preventDefault();
  const t = element.querySelector('#' + CSS.escape(a.dataset.target));
  if (t) t.scrollIntoView({block: a.dataset.block || 'start', behavior: 'smooth'});
});
"""

# On a phone the page keeps 6 px margins, not Gradio's 32 px (rules passed as ``css`` reach
# only the page's content, so this one is in the head).
# The page is in Vietnamese: tell the browser (spell checking, screen readers, hyphenation).
# Gradio's loading status says "Loading" to screen readers (a visually hidden live region
# the browser's locale does not translate): it is said in Vietnamese too.
HEAD = """<style>
@media (max-width: 640px) {
  gradio-app .main.fillable.app { padding: 8px 6px !important; }
}
</style>
<script>
document.documentElement.lang = "vi";
new MutationObserver(() => {
  document.querySelectorAll('[role="status"]').forEach((el) => {
    if (el.textContent.trim() === 'Loading') el.textContent = 'Đang tải';
  });
}).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
</script>"""
