// What the spam filter learned from the user's own Junk moves: a weekly
// chart and the log.
import { LitElement, html, css, svg, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { learningLog, weeklyCounts } from '../api/learning.js';
import type { LearningEvent, WeeklyCount } from '../api/types.js';
import { weeklyBars } from '../lib/chart.js';
import { base } from '../ui/styles.js';

const STATE: Record<LearningEvent['state'], string> = {
  pending: 'waiting',
  done: 'learned',
  failed: 'failed',
  skipped: 'skipped',
};

const W = 560;
const H = 140;

@customElement('sw-learning-screen')
export class LearningScreen extends LitElement {
  static override styles = [
    base,
    css`
      svg {
        width: 100%;
        height: auto;
        max-width: 40rem;
      }
      .spam {
        fill: #c0392b;
      }
      .ham {
        fill: #2f8f4e;
      }
      .axis {
        font-size: 10px;
        fill: #5a6473;
      }
      .key {
        display: flex;
        gap: 1rem;
      }
      .swatch {
        display: inline-block;
        width: 0.8rem;
        height: 0.8rem;
        border-radius: 2px;
        vertical-align: -0.1rem;
      }
      /* Classes, not style attributes: the Content-Security-Policy allows no inline styles. */
      .swatch.spam {
        background: #c0392b;
      }
      .swatch.ham {
        background: #2f8f4e;
      }
    `,
  ];

  private data = new Task(this, {
    task: async (_args: readonly [], { signal }) => {
      const [log, weekly] = await Promise.all([learningLog(100, signal), weeklyCounts(signal)]);
      return { log, weekly };
    },
    args: () => [] as const,
  });

  private chart(weeks: WeeklyCount[]) {
    if (weeks.length === 0) return html`<p class="empty">Nothing learned yet. Move spam into your Junk folder and the filter learns from it.</p>`;
    const { bars, max } = weeklyBars(weeks, W, H);
    const label = weeks.map((w) => `${w.week}: ${w.spam} spam, ${w.ham} not spam`).join('; ');
    return html`<svg viewBox="0 0 ${W} ${H + 18}" role="img" aria-label=${`Learned per week. ${label}`}>
        ${bars.map((b) => svg`<rect class=${b.kind} x=${b.x} y=${b.y} width=${b.width} height=${b.height}><title>${b.week}: ${b.count} ${b.kind === 'spam' ? 'spam' : 'not spam'}</title></rect>`)}
        ${weeks.map((w, i) => svg`<text class="axis" x=${(i + 0.5) * (W / weeks.length)} y=${H + 13} text-anchor="middle">${w.week.slice(-3)}</text>`)}
        <text class="axis" x="2" y="10">${max}</text>
      </svg>
      <div class="key">
        <span><span class="swatch spam"></span> learned as spam</span>
        <span><span class="swatch ham"></span> learned as not spam</span>
      </div>`;
  }

  private log(events: LearningEvent[]) {
    if (events.length === 0) return html`<p class="empty">No messages learned yet.</p>`;
    return html`<table class="stack">
      <thead><tr><th>When</th><th>Learned as</th><th>Message</th><th>Status</th></tr></thead>
      <tbody>
        ${events.map(
          (e) => html`<tr>
            <td>${new Date(e.learnedAt ?? e.createdAt).toLocaleString()}</td>
            <td><span class="badge ${e.direction === 'spam' ? 'bad' : 'ok'}">${e.direction === 'spam' ? 'spam' : 'not spam'}</span></td>
            <td>${e.subject ?? '(no subject)'}${e.sender ? html` <span class="muted">from ${e.sender}</span>` : nothing}</td>
            <td>${STATE[e.state]}${e.error ? html` <span class="error">${e.error}</span>` : nothing}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    return html`<h1>Learning</h1>
      <p class="muted">When you move a message into Junk, the filter learns it is spam; moving it out to another folder teaches it is not.</p>
      ${this.data.render({
        pending: () => html`<p class="muted">Loading…</p>`,
        error: (e) => html`<p class="error" role="alert">The learning log could not be loaded: ${(e as Error).message}</p>`,
        complete: (d) => html`<section class="card"><h2>Per week</h2>${this.chart(d.weekly)}</section>
          <section class="card"><h2>Log</h2>${this.log(d.log)}</section>`,
      })}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-learning-screen': LearningScreen;
  }
}
