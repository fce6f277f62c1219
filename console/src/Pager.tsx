import type { Dispatch, SetStateAction } from 'react';

/**
 * Previous / Next through cursor pages: `cursors` are the cursors of the pages before this one, so Previous pops
 * one and Next pushes the cursor of this page's last item.
 */
export function Pager({
  cursors,
  setCursors,
  hasMore,
  lastCursor,
  onRefresh,
}: {
  cursors: string[];
  setCursors: Dispatch<SetStateAction<string[]>>;
  hasMore: boolean;
  lastCursor: string | undefined;
  /** Adds a Refresh button between the two. */
  onRefresh?: () => void;
}) {
  return (
    <div className="pager">
      <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
        Previous
      </button>
      {onRefresh && (
        <button type="button" className="refresh" onClick={onRefresh}>
          Refresh
        </button>
      )}
      <button
        type="button"
        disabled={!hasMore}
        onClick={() => {
          if (lastCursor) setCursors((c) => [...c, lastCursor]);
        }}
      >
        Next
      </button>
    </div>
  );
}
