// A windowed list: fixed row height, only the rows in view (plus a little overscan) are in the DOM, so
// 100k rows scroll as smoothly as 100. Follow mode keeps the last row in view until the user scrolls up.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

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
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = ref.current;
    if (follow && element) {
      element.scrollTop = element.scrollHeight;
      setScrollTop(element.scrollTop);
    }
  }, [items.length, follow, height]);

  const onScroll = () => {
    const element = ref.current!;
    setScrollTop(element.scrollTop);
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - rowHeight;
    if (atBottom !== follow) onFollowChange(atBottom);
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  // Keys cycle through a fixed pool of slots, so scrolling re-renders the same row elements with new
  // content instead of unmounting and mounting a window's worth of them.
  const slots = Math.ceil(height / rowHeight) + 2 * overscan + 2;
  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    rows.push(
      <div key={index % slots} className="vrow" style={{ transform: `translateY(${index * rowHeight}px)`, height: rowHeight }}>
        {renderRow(items[index]!, index)}
      </div>,
    );
  }

  return (
    <div ref={ref} className={`vlist ${className ?? ''}`} onScroll={onScroll}>
      <div className="vlist-spacer" style={{ height: items.length * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
