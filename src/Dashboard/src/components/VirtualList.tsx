// A windowed list over @tanstack/react-virtual: fixed row height, only the rows in view (plus a little overscan)
// are in the DOM, so 100k rows scroll as smoothly as 100. Follow mode keeps the last row in view until the user
// scrolls up.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, type ReactNode } from 'react';

interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  renderRow: (item: T, index: number) => ReactNode;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  className?: string;
  overscan?: number;
}

export function VirtualList<T>({ items, rowHeight, renderRow, follow, onFollowChange, className, overscan = 8 }: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => ref.current,
    estimateSize: () => rowHeight,
    overscan,
    // Rows of one height: the first render (before the scroll element is measured) shows a screenful anyway.
    initialRect: { width: 0, height: 600 },
  });

  useLayoutEffect(() => {
    const element = ref.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  }, [items.length, follow]);

  const onScroll = () => {
    const element = ref.current!;
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - rowHeight;
    if (atBottom !== follow) onFollowChange(atBottom);
  };

  const window = virtualizer.getVirtualItems();
  // Keys cycle through as many slots as the window has rows, so scrolling re-renders the same row elements with
  // new content instead of unmounting and mounting a window's worth of them.
  const slots = Math.max(1, window.length);
  return (
    <div ref={ref} className={`vlist ${className ?? ''}`} onScroll={onScroll}>
      <div className="vlist-spacer" style={{ height: virtualizer.getTotalSize() }}>
        {window.map((row) => (
          <div key={row.index % slots} className="vrow" style={{ transform: `translateY(${row.start}px)`, height: rowHeight }}>
            {renderRow(items[row.index]!, row.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
