// Workflow ids of the sequential mode that both the API and the workflows compute (pure strings).

export function participantWorkflowIdFor(ceremonyId: string, participantId: string): string {
  return `ceremony-${ceremonyId}-participant-${participantId}`;
}

export function ceremonyWorkflowIdFor(ceremonyId: string): string {
  return `ceremony-${ceremonyId}`;
}
