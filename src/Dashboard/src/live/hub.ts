// SignalR connection per the realtime contract: negotiate, connect with the access token, then the caller
// subscribes over HTTP with that same token (clients never invoke hub methods). Resolves to null when the
// server has no realtime endpoint (negotiate 404 or unreachable): callers then poll.
//
// The token belongs to its connection, never to the page: the server joins the token's own subject (a fresh
// one per negotiate) to a group, and a connection hears only what its subject joined. When two feeds connected
// at once (the runs list still leaving as a run page opens) and shared one page-wide token, the run page could
// subscribe with the list's token: its own connection then heard nothing after the first read of the trace.
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { api } from '../api/client';

export interface LiveHandlers {
  /** Called after the connection came back: re-subscribe (with accessToken(), which may be new) and re-fetch from the cursor. */
  onReconnected: (connectionId: string) => void;
  /** Called when the connection is lost for good. */
  onClosed: () => void;
}

/** A connected hub and the token it is connected with. */
export interface LiveConnection {
  readonly connection: HubConnection;
  /** The token of this connection's current subject: what its subscriptions must present. */
  accessToken(): string;
}

export async function connectHub(register: (connection: HubConnection) => void, handlers: LiveHandlers): Promise<LiveConnection | null> {
  let negotiated;
  try {
    negotiated = await api.negotiate();
  } catch {
    return null;
  }
  let token = negotiated.accessToken;
  let tokenUses = 0;
  const connection = new HubConnectionBuilder()
    .withUrl(negotiated.url, {
      accessTokenFactory: async () => {
        // A reconnect after the token expired needs a fresh one.
        if (tokenUses++ === 0) return token;
        try {
          token = (await api.negotiate()).accessToken;
        } catch {
          // Keep the old token; the server says whether it still works.
        }
        return token;
      },
    })
    .withAutomaticReconnect()
    .configureLogging(LogLevel.Warning)
    .build();
  register(connection);
  connection.onreconnected((id) => id && handlers.onReconnected(id));
  connection.onclose(() => handlers.onClosed());
  try {
    await connection.start();
  } catch {
    return null;
  }
  return { connection, accessToken: () => token };
}
