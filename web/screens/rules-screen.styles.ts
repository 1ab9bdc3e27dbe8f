import { css } from 'lit';

export const rulesScreenStyles = css`
  .search {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    align-items: end;
    margin-bottom: 0.5rem;
  }
  .search label {
    flex: 1 1 18rem;
  }
  .search input {
    width: 100%;
  }
  .search p {
    margin: 0;
  }
  ol.rules {
    list-style: none;
    padding: 0;
    margin: 0 0 1rem;
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }
  ol.rules > li {
    display: flex;
    gap: 0.6rem;
    align-items: flex-start;
    border: 1px solid #d5dce6;
    border-radius: 8px;
    background: #fff;
    padding: 0.6rem 0.7rem;
    flex-wrap: wrap;
    /* Long lists: rows off screen skip layout and paint until scrolled to. */
    content-visibility: auto;
    contain-intrinsic-size: auto 5.5rem;
  }
  ol.rules > li.admin {
    background: #f5f7fb;
    border-style: dashed;
  }
  ol.rules > li.off .main {
    opacity: 0.6;
  }
  ol.rules > li.dragging {
    opacity: 0.4;
  }
  ol.rules > li.drop-before {
    box-shadow: 0 -3px 0 #1f5fbf;
  }
  ol.rules > li.drop-after {
    box-shadow: 0 3px 0 #1f5fbf;
  }
  .handle {
    cursor: grab;
    color: #7a8494;
    font-size: 1.2rem;
    line-height: 2rem;
  }
  .main {
    flex: 1 1 14rem;
    min-width: 0;
  }
  .title {
    display: flex;
    gap: 0.4rem;
    align-items: baseline;
    flex-wrap: wrap;
  }
  .name {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  a.name {
    color: #1f4f9a;
  }
  .pos {
    color: #5a6473;
    font-variant-numeric: tabular-nums;
  }
  .summary {
    margin: 0.15rem 0 0;
    color: #3d4757;
    overflow-wrap: anywhere;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.35rem;
    align-items: center;
    margin-left: auto;
  }
  .switch {
    min-width: 3.6rem;
  }
`;
