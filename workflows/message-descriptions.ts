// Every query, signal and update of the workflows carries a description, which the Temporal UI and the
// built-in `__temporal_workflow_metadata` query show. It is declared once, beside its definition
// (describedQuery/describedSignal/describedUpdate in the messages modules), and each setHandler takes it
// from there with describedBy(definition). Descriptions are not part of a history: adding or changing
// one is replay-safe.
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

const descriptions = new WeakMap<object, string>();

function remember<T extends object>(definition: T, description: string): T {
  if (description.trim() === '') throw new Error('a message description must not be empty');
  descriptions.set(definition, description);
  return definition;
}

export function describedQuery<Ret, Args extends unknown[] = []>(name: string, description: string): QueryDefinition<Ret, Args> {
  return remember(defineQuery<Ret, Args>(name), description);
}

export function describedSignal<Args extends unknown[] = []>(name: string, description: string): SignalDefinition<Args> {
  return remember(defineSignal<Args>(name), description);
}

export function describedUpdate<Ret, Args extends unknown[] = []>(name: string, description: string): UpdateDefinition<Ret, Args> {
  return remember(defineUpdate<Ret, Args>(name), description);
}

/** The handler options that carry the definition's description (setHandler's third argument). */
export function describedBy(definition: { name: string }): { description: string } {
  const description = descriptions.get(definition);
  if (description === undefined) throw new Error(`${definition.name} has no description: define it with describedQuery, describedSignal or describedUpdate`);
  return { description };
}
