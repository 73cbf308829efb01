// The realtime access token of the current hub connection. Subscriptions present it: the server joins the
// token's own user to the group, so a connection hears only the runs its token was granted.
let current: string | undefined;

export const realtimeToken = (): string | undefined => current;

export const setRealtimeToken = (token: string): void => {
  current = token;
};
