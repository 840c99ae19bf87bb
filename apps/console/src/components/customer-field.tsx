import { useId, useState } from 'react';

import type { Customer } from '../api/types';
import { customerLabel, useCustomers } from '../customers';

interface Props {
  value: string;
  onChange: (id: string) => void;
  /** A page about one customer (topology, metrics, channels); else a filter, empty for all. */
  required?: boolean;
  label?: string;
}

/**
 * The customer picker: the user's customers (`GET /api/v1/user/me`), by name and id, the inactive
 * ones marked. A user with one customer has it chosen. A superadmin with more customers than the
 * list holds types an id instead (the list is offered as suggestions).
 */
export function CustomerField(props: Props) {
  const { customers, typing, remember } = useCustomers();
  const pick = (id: string) => {
    if (id === props.value) return;
    remember(id);
    props.onChange(id);
  };
  return typing ? (
    <TypedCustomer {...props} customers={customers} onPick={pick} />
  ) : (
    <PickedCustomer {...props} customers={customers} onPick={pick} />
  );
}

type FieldProps = Props & { customers: Customer[]; onPick: (id: string) => void };

function PickedCustomer({ value, required = false, label = 'Customer', customers, onPick }: FieldProps) {
  const id = useId();
  // A filter of one customer only is that customer.
  const only = !required && customers.length === 1 ? customers[0].id : '';
  const shown = value || only;
  const listed = customers.some((c) => c.id === shown);
  const empty = customers.length === 0 ? 'No customers' : required ? 'Choose a customer' : 'All my customers';
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name="customer" value={shown} required={required} onChange={(e) => onPick(e.target.value)}>
        {(!shown || (!required && !only)) && (
          <option value="" disabled={required}>
            {empty}
          </option>
        )}
        {/* A customer of the URL that is not the user's: shown as it is (the API says why not). */}
        {shown && !listed && <option value={shown}>{shown} (not one of yours)</option>}
        {customers.map((c) => (
          <option key={c.id} value={c.id}>
            {customerLabel(c)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A customer id, typed (suggestions from the list); applied when left or on Enter, not on each key. */
function TypedCustomer({ value, required = false, label = 'Customer', customers, onPick }: FieldProps) {
  const id = useId();
  const [text, setText] = useState(value);
  // The URL changed the value (back, a link): show it.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const apply = () => onPick(text.trim());
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name="customer"
        list={`${id}-list`}
        value={text}
        required={required}
        placeholder={required ? 'customer id' : 'all customers'}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          // A pick from the list applies at once.
          if (customers.some((c) => c.id === e.target.value)) onPick(e.target.value);
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
            {customerLabel(c)}
          </option>
        ))}
      </datalist>
    </div>
  );
}
