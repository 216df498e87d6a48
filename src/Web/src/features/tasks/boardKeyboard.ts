import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

/**
 * Keyboard moves on the board go column to column (dnd-kit's default steps 25 px): Right/Left put the picked-up card
 * at the top of the next/previous column, Up/Down do nothing.
 */
export const columnKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const step = event.code === 'ArrowRight' ? 1 : event.code === 'ArrowLeft' ? -1 : 0;
  if (step === 0) {
    if (event.code === 'ArrowUp' || event.code === 'ArrowDown') event.preventDefault();
    return undefined;
  }
  event.preventDefault();
  const { collisionRect, droppableRects, over } = context;
  if (!collisionRect) return undefined;
  const columns = [...droppableRects.entries()].sort(([, a], [, b]) => a.left - b.left);
  const centre = collisionRect.left + collisionRect.width / 2;
  const current = over ? columns.findIndex(([id]) => id === over.id) : columns.findIndex(([, r]) => centre >= r.left && centre <= r.left + r.width);
  const target = columns[current + step];
  if (!target) return currentCoordinates;
  const [, rect] = target;
  return { x: rect.left + (rect.width - collisionRect.width) / 2, y: rect.top + 40 };
};
