// The start form of a workflow that declares inputs: one field per input, typed by its declaration.
import { useState } from 'react';
import type { JsonValue, WorkflowInputDefinition } from '../api/contracts';

interface StartFormProps {
  workflowId: string;
  inputs: { [name: string]: WorkflowInputDefinition };
  starting: boolean;
  onStart: (values: { [name: string]: JsonValue }) => void;
  onCancel: () => void;
}

function initial(input: WorkflowInputDefinition): string {
  if (input.secret || input.default === undefined || input.default === null) return '';
  return Array.isArray(input.default) ? input.default.join(',') : String(input.default);
}

/** The typed value of a field; the server checks it and names the field when it is wrong. */
function valueOf(input: WorkflowInputDefinition, text: string): JsonValue {
  switch (input.type) {
    case 'integer':
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'boolean':
      return text === 'true';
    case 'string[]':
      return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    default:
      return text;
  }
}

export function StartForm({ workflowId, inputs, starting, onStart, onCancel }: StartFormProps) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, initial(input)])));
  return (
    <form
      className="start-form"
      data-testid="start-form"
      onSubmit={(e) => {
        e.preventDefault();
        const given: { [name: string]: JsonValue } = {};
        for (const [name, input] of Object.entries(inputs)) {
          const text = values[name] ?? '';
          if (text !== '' || input.type === 'boolean') given[name] = valueOf(input, text);
        }
        onStart(given);
      }}
    >
      <strong>Start {workflowId}</strong>
      {Object.entries(inputs).map(([name, input]) => (
        <label key={name}>
          <span>
            {name} <span className="muted">({input.type}{input.required && input.default === undefined ? ', required' : ''})</span>
            {input.description ? ` — ${input.description}` : ''}
          </span>
          {input.type === 'boolean' ? (
            <select data-testid={`input-${name}`} value={values[name] || 'false'} onChange={(e) => setValues({ ...values, [name]: e.target.value })}>
              <option value="false">false</option>
              <option value="true">true</option>
            </select>
          ) : (
            <input
              data-testid={`input-${name}`}
              type={input.secret ? 'password' : 'text'}
              value={values[name] ?? ''}
              placeholder={input.type === 'ports' ? '22,80,8000-8100' : input.type === 'string[]' ? 'a,b,c' : ''}
              onChange={(e) => setValues({ ...values, [name]: e.target.value })}
            />
          )}
        </label>
      ))}
      <div>
        <button type="submit" disabled={starting} data-testid="start-submit">
          ▶ Start
        </button>{' '}
        <button type="button" className="link" onClick={onCancel}>
          cancel
        </button>
      </div>
    </form>
  );
}
