// Shared look: readable type, large hit targets, a focus ring that is always
// visible for keyboard users, and layouts that wrap down to 360 px.
import { css } from 'lit';

/** Ordered lists of bordered editor cards (conditions, actions). */
export const cardList = css`
  ol.cards {
    list-style: none;
    margin: 0.5rem 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }
  ol.cards > li {
    border: 1px solid #d5dce6;
    border-radius: 8px;
    padding: 0.6rem;
    background: #fbfcfe;
  }
  .tools {
    display: flex;
    gap: 0.35rem;
    justify-content: flex-end;
    margin-top: 0.4rem;
  }
`;

export const base = css`
  :host {
    display: block;
    box-sizing: border-box;
    color: var(--fg, #1d2430);
    font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h1,
  h2,
  h3 {
    line-height: 1.25;
    margin: 0 0 0.5rem;
  }
  h1 {
    font-size: 1.35rem;
  }
  h2 {
    font-size: 1.1rem;
  }
  h3 {
    font-size: 1rem;
  }
  p {
    margin: 0 0 0.75rem;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    min-height: 2.25rem;
    padding: 0.3rem 0.8rem;
    border: 1px solid #aab4c3;
    border-radius: 6px;
    background: #fff;
    cursor: pointer;
  }
  button:hover {
    background: #f0f4fa;
  }
  button.primary {
    background: #1f5fbf;
    border-color: #1f5fbf;
    color: #fff;
  }
  button.primary:hover {
    background: #184d9c;
  }
  button.danger {
    color: #a3192a;
    border-color: #d9a3aa;
  }
  button.icon {
    min-width: 2.25rem;
    padding: 0.3rem 0.45rem;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  input[type='text'],
  input[type='email'],
  input[type='password'],
  input[type='number'],
  input[type='date'],
  input[type='search'],
  select,
  textarea {
    min-height: 2.25rem;
    padding: 0.3rem 0.5rem;
    border: 1px solid #aab4c3;
    border-radius: 6px;
    background: #fff;
    max-width: 100%;
  }
  textarea {
    width: 100%;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: #c0392b;
    background: #fff6f5;
  }
  :focus-visible {
    outline: 3px solid #f0a500;
    outline-offset: 2px;
  }
  label {
    display: inline-flex;
    flex-direction: column;
    gap: 0.2rem;
    font-weight: 500;
    max-width: 100%;
    min-width: 0;
  }
  label:has(textarea) {
    display: flex;
    width: 100%;
  }
  /* A screen's title row: the title, and its buttons beside it or below on a narrow screen. */
  .head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
  /* A label is as wide as its text; a wide one's field takes the line. */
  label.wide {
    display: flex;
    width: min(32rem, 100%);
  }
  label.inline {
    flex-direction: row;
    align-items: center;
    gap: 0.4rem;
    font-weight: 400;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: flex-end;
  }
  .muted {
    color: #5a6473;
  }
  .error {
    color: #a3192a;
  }
  .card {
    border: 1px solid #d5dce6;
    border-radius: 8px;
    background: #fff;
    padding: 0.9rem;
    margin-bottom: 0.75rem;
  }
  .empty {
    padding: 1.25rem;
    border: 1px dashed #b8c2d0;
    border-radius: 8px;
    color: #4a5462;
    text-align: center;
  }
  .badge {
    display: inline-block;
    padding: 0 0.45rem;
    border-radius: 999px;
    font-size: 0.8rem;
    background: #e8edf5;
    color: #2e3a4c;
    white-space: nowrap;
  }
  .badge.ok {
    background: #dff3e4;
    color: #1b6b34;
  }
  .badge.warn {
    background: #fff1cc;
    color: #7a5600;
  }
  .badge.bad {
    background: #fde2e1;
    color: #a3192a;
  }
  svg.lock {
    vertical-align: -0.125em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  ul.errors {
    margin: 0.25rem 0;
    padding-left: 1.2rem;
    color: #a3192a;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 0.3rem;
    border-top: 1px solid #e3e8ef;
    vertical-align: top;
    overflow-wrap: anywhere;
  }
  /* Tables that turn into stacked cards on narrow screens. */
  @media (max-width: 560px) {
    table.stack thead {
      display: none;
    }
    table.stack tr {
      display: block;
      border-top: 1px solid #e3e8ef;
      padding: 0.4rem 0;
    }
    table.stack td {
      display: block;
      border: 0;
      padding: 0.1rem 0.25rem;
    }
    /* The column heading is hidden: a cell that is only a number or a date says what it is. */
    table.stack td[data-label]::before {
      content: attr(data-label) ': ';
      color: #5a6473;
    }
  }
  pre,
  code,
  textarea.code {
    font: 13px/1.5 ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
  }
`;
