import { useId, useState } from 'react';

import { useCustomers } from '../customers';

/**
 * A customer id: typed, or picked from the customers the console knows of (a datalist). The value
 * is applied when the field is left or Enter is pressed, not on each key.
 */
export function CustomerField({
  value,
  onChange,
  required = false,
  label = 'Customer',
}: {
  value: string;
  onChange: (id: string) => void;
  required?: boolean;
  label?: string;
}) {
  const { customers, remember } = useCustomers();
  const id = useId();
  const [text, setText] = useState(value);
  // The URL changed the value (back, a link): show it.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const apply = () => {
    const next = text.trim();
    if (next === value) return;
    if (next) remember(next);
    onChange(next);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name="customer"
        list={`${id}-list`}
        value={text}
        required={required}
        placeholder={required ? 'customer id' : 'all my customers'}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          // A pick from the list applies at once.
          if (customers.some((c) => c.id === e.target.value) && e.target.value !== value) {
            remember(e.target.value);
            onChange(e.target.value);
          }
        }}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            apply();
          }
        }}
      />
      <datalist id={`${id}-list`}>
        {customers.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name !== c.id ? c.name : undefined}
          </option>
        ))}
      </datalist>
    </div>
  );
}
