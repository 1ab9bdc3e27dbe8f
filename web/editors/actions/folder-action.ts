// "Move to folder": pick one of the user's real IMAP folders, or type a new
// one and say whether it should be created when missing.
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Action } from '../../../grammar/model.js';
import { base } from '../../ui/styles.js';
import { fireValue } from '../events.js';

type FileInto = Extract<Action, { kind: 'fileinto' }>;
const OTHER = '\u0000other';

@customElement('sw-folder-action')
export class FolderAction extends LitElement {
  static override styles = [
    base,
    css`
      label.name {
        flex: 1 1 16rem;
      }
      input.folder {
        width: 100%;
      }
    `,
  ];
  @property({ attribute: false }) value!: FileInto;
  @property({ attribute: false }) folders: string[] = [];
  @state() private typing = false;

  private patch(p: Partial<FileInto>): void {
    const next = { ...this.value, ...p };
    for (const k of ['copy', 'create'] as const) if (!next[k]) delete next[k];
    fireValue(this, next);
  }

  override render() {
    const v = this.value;
    const known = this.folders.includes(v.folder);
    const custom = this.typing || (!known && v.folder !== '');
    return html`<div class="row">
        <label
          >Folder
          <select
            @change=${(e: Event) => {
              const chosen = (e.target as HTMLSelectElement).value;
              this.typing = chosen === OTHER;
              // A new name starts empty: keeping the old one would make typing give "JunkLists/dev".
              this.patch(chosen === OTHER ? { folder: '' } : { folder: chosen, create: false });
              if (chosen === OTHER) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input.folder')?.focus());
            }}
          >
            ${this.folders.map((f) => html`<option value=${f} ?selected=${!custom && f === v.folder}>${f}</option>`)}
            <option value=${OTHER} ?selected=${custom}>Another folder…</option>
          </select></label
        >
        ${custom
          ? html`<label class="name"
              >Folder name
              <input
                class="folder"
                type="text"
                placeholder="e.g. Lists/dev"
                aria-invalid=${v.folder.trim() === '' ? 'true' : 'false'}
                .value=${v.folder}
                @input=${(e: Event) => this.patch({ folder: (e.target as HTMLInputElement).value })}
            /></label>`
          : null}
      </div>
      ${v.folder.trim() === '' ? html`<p class="error">Type the name of the folder.</p>` : null}
      ${custom && !known && v.folder
        ? html`<label class="inline"
            ><input type="checkbox" .checked=${!!v.create} @change=${(e: Event) => this.patch({ create: (e.target as HTMLInputElement).checked })} />
            Create “${v.folder}” if it does not exist yet</label
          >`
        : null}
      <label class="inline"
        ><input type="checkbox" .checked=${!!v.copy} @change=${(e: Event) => this.patch({ copy: (e.target as HTMLInputElement).checked })} />
        Also keep it in the Inbox</label
      >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sw-folder-action': FolderAction;
  }
}
