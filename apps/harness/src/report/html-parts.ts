/**
 * Pieces shared by the harness's self-contained HTML pages (scenario reports and sweep reports):
 * escaping, number formatting and the inline style sheet.
 */

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Integers as they are, other numbers to 5 significant digits. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(5);
}

/** The inline style sheet of every harness page (no external fonts or styles). */
export const PAGE_STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1040px; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
small { color: #666; font-weight: normal; }
.pass { color: #17692c; font-weight: 600; }
.fail { color: #b3141b; font-weight: 600; }
figure { margin: 1rem 0; }
pre { background: #f7f7f7; padding: 0.75rem; overflow-x: auto; }
`;
