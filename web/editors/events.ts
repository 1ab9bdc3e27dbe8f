// Properties go down, a `value-changed` event with a NEW object comes up:
// editors never mutate what they were given.

export type ValueChangedEvent<T> = CustomEvent<{ value: T }>;

export function fireValue<T>(el: HTMLElement, value: T): void {
  el.dispatchEvent(new CustomEvent('value-changed', { detail: { value } }));
}

declare global {
  interface HTMLElementEventMap {
    'value-changed': ValueChangedEvent<unknown>;
  }
}
