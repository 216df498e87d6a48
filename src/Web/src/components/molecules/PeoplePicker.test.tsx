import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { PeoplePicker, type Person } from './PeoplePicker';
import { FormField } from './FormField';

const PEOPLE: Person[] = [
  { id: 'u1', displayName: 'Grace Hopper', email: 'grace@example.test' },
  { id: 'u2', displayName: 'Grace Kelly', email: 'kelly@example.test' },
];

function Harness({ onSubmit }: { onSubmit(email: string): void }) {
  const [value, setValue] = useState('');
  const options = value ? PEOPLE.filter((p) => p.displayName.toLowerCase().includes(value.toLowerCase())) : [];
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(value);
      }}
    >
      <FormField label="Email">
        {(control) => (
          <PeoplePicker control={control} value={value} onChange={setValue} onPick={(p) => setValue(p.email)} options={options} loading={false} />
        )}
      </FormField>
      <button type="submit">Add</button>
    </form>
  );
}

describe('PeoplePicker', () => {
  it('is a labelled combobox whose list opens as you type', async () => {
    render(<Harness onSubmit={vi.fn()} />);
    const input = screen.getByRole('combobox', { name: 'Email' });
    expect(input).toHaveAttribute('aria-expanded', 'false');

    await userEvent.type(input, 'gra');

    expect(input).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getAllByRole('option')).toHaveLength(2);
    expect(input).toHaveAttribute('aria-controls', screen.getByRole('listbox').id);
  });

  it('moves with the arrow keys through aria-activedescendant and picks with Enter without submitting', async () => {
    const onSubmit = vi.fn();
    render(<Harness onSubmit={onSubmit} />);
    const input = screen.getByRole('combobox', { name: 'Email' });
    await userEvent.type(input, 'grace');

    await userEvent.keyboard('{ArrowDown}');
    const [first, second] = screen.getAllByRole('option');
    expect(input).toHaveAttribute('aria-activedescendant', first?.id);
    expect(first).toHaveAttribute('aria-selected', 'true');

    await userEvent.keyboard('{ArrowDown}');
    expect(input).toHaveAttribute('aria-activedescendant', second?.id);
    await userEvent.keyboard('{ArrowDown}');
    expect(input).toHaveAttribute('aria-activedescendant', first?.id);
    await userEvent.keyboard('{ArrowUp}');
    expect(input).toHaveAttribute('aria-activedescendant', second?.id);

    await userEvent.keyboard('{Enter}');
    expect(input).toHaveValue('kelly@example.test');
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).not.toHaveAttribute('aria-activedescendant');
    expect(onSubmit).not.toHaveBeenCalled();
    expect(input).toHaveFocus();

    // With the list closed, Enter submits the form as usual.
    await userEvent.keyboard('{Enter}');
    expect(onSubmit).toHaveBeenCalledWith('kelly@example.test');
  });

  it('closes on Escape, then clears on a second Escape', async () => {
    render(<Harness onSubmit={vi.fn()} />);
    const input = screen.getByRole('combobox', { name: 'Email' });
    await userEvent.type(input, 'grace');
    await userEvent.keyboard('{ArrowDown}');

    await userEvent.keyboard('{Escape}');
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).toHaveValue('grace');

    await userEvent.keyboard('{Escape}');
    expect(input).toHaveValue('');
  });

  it('picks with the mouse too', async () => {
    render(<Harness onSubmit={vi.fn()} />);
    const input = screen.getByRole('combobox', { name: 'Email' });
    await userEvent.type(input, 'grace');
    await userEvent.click(screen.getByRole('option', { name: /Grace Hopper/ }));
    expect(input).toHaveValue('grace@example.test');
  });
});
