import { css } from 'lit';

export const appStyles = css`
  :host {
    min-height: 100vh;
    background: #f2f5f9;
  }
  header {
    background: #16233a;
    color: #fff;
    padding: 0.5rem 1rem;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    align-items: center;
  }
  header .brand {
    font-weight: 700;
    font-size: 1.05rem;
    letter-spacing: 0.02em;
  }
  header .who {
    margin-left: auto;
    display: flex;
    gap: 0.5rem;
    align-items: center;
    flex-wrap: wrap;
  }
  header button {
    background: transparent;
    color: #fff;
    border-color: #6c7c96;
  }
  nav {
    background: #fff;
    border-bottom: 1px solid #d5dce6;
    overflow-x: auto;
  }
  nav ul {
    display: flex;
    gap: 0.15rem;
    margin: 0;
    padding: 0 0.5rem;
    list-style: none;
  }
  nav a {
    display: block;
    padding: 0.6rem 0.7rem;
    color: #2e3a4c;
    text-decoration: none;
    white-space: nowrap;
    border-bottom: 3px solid transparent;
  }
  nav a[aria-current='page'] {
    border-bottom-color: #1f5fbf;
    color: #1f4f9a;
    font-weight: 600;
  }
  main {
    padding: 1rem;
    max-width: 72rem;
    margin: 0 auto;
  }
  main.split {
    max-width: 96rem;
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 1rem;
  }
  @media (min-width: 1100px) {
    main.split {
      grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
    }
  }
  aside {
    min-width: 0;
  }
  .savebar {
    position: sticky;
    bottom: 0;
    z-index: 2;
    background: #fff8e1;
    border-top: 2px solid #f0a500;
    padding: 0.6rem 1rem;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    justify-content: space-between;
  }
  .savebar.problem {
    background: #fde2e1;
    border-top-color: #c0392b;
  }
  .toast {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: center;
    background: #1d2430;
    color: #fff;
    padding: 0.5rem 0.75rem;
    border-radius: 8px;
    margin-bottom: 0.75rem;
  }
  .toast span {
    flex: 1 1 12rem;
  }
  .toast button {
    color: #1d2430;
  }
  /* A phone: the header is two short rows (name and sign-out, then the
     install status), and every destination is in view, the nav wrapping into
     rows rather than scrolling sideways out of sight. */
  @media (max-width: 700px) {
    header {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      gap: 0.25rem 0.5rem;
      padding: 0.35rem 0.6rem;
    }
    header .brand {
      grid-area: 1 / 1;
    }
    header .who {
      grid-area: 1 / 2;
      flex-wrap: nowrap;
    }
    header sw-deploy-status {
      grid-area: 2 / 1 / 3 / 3;
      min-width: 0;
    }
    header button {
      padding-block: 0.15rem;
    }
    nav {
      overflow-x: visible;
    }
    nav ul {
      flex-wrap: wrap;
      padding: 0.2rem 0.4rem;
    }
    nav a {
      padding: 0.4rem 0.55rem;
      border-bottom-width: 2px;
    }
  }
  @media (max-width: 480px) {
    main {
      padding: 0.6rem;
    }
  }
`;
