// The lock of locked rules as an inline SVG: an emoji shows as an empty box
// where no emoji font is installed. It always stands beside the word
// "Locked"/"locked", which is its accessible label, so the icon itself is
// hidden from screen readers rather than read out twice.
import { html, svg } from 'lit';

const PATH = svg`<path fill="currentColor" d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 3.5a2 2 0 1 1 4 0V7H6V4.5Zm2 5a1 1 0 0 1 .5 1.87V13h-1v-1.63A1 1 0 0 1 8 9.5Z"/>`;

export const lockIcon = () =>
  html`<svg class="lock" data-icon="lock" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">${PATH}</svg>`;
