/* WeCom markdown, rendered roughly as the WeCom client does: headings, bold, links, inline
   code, quotes and <font color="info|comment|warning">. Everything else stays literal text. */
"use strict";

function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;")
    .replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function renderInline(line) {
  const codes = [];
  // Inline code first, so nothing inside it is formatted.
  line = line.replace(/`([^`]+)`/g, (_, c) => { codes.push(c); return "\u0000" + (codes.length - 1) + "\u0000"; });
  line = line.replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g,
    (_, t, u) => `<a href="${u}" target="_blank" rel="noopener noreferrer">${t}</a>`);
  line = line.replace(/\*\*(.+?)\*\*/g, "<b>$1</b>");
  line = line.replace(/&lt;font color=(?:&quot;|&#39;)?(info|comment|warning)(?:&quot;|&#39;)?&gt;([\s\S]*?)&lt;\/font&gt;/g,
    '<span class="font-$1">$2</span>');
  return line.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
}

function renderMarkdown(text) {
  const lines = escapeHtml(text).split("\n");
  return lines.map((line) => {
    const h = line.match(/^(#{1,6})\s+(.*)$/);
    if (h) return `<div class="md-h md-h${h[1].length}">${renderInline(h[2])}</div>`;
    const q = line.match(/^&gt;\s?(.*)$/);
    if (q) return `<div class="md-quote">${renderInline(q[1])}</div>`;
    if (!line.trim()) return '<div class="md-gap"></div>';
    return `<div>${renderInline(line)}</div>`;
  }).join("");
}

function renderText(text) {
  return escapeHtml(text).replace(/\n/g, "<br>");
}

if (typeof module !== "undefined") module.exports = { renderMarkdown, renderText, escapeHtml };
