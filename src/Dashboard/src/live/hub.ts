// SignalR connection per the realtime contract: negotiate, connect with the access token, then the caller
// subscribes its connection id over HTTP (clients never invoke hub methods). Resolves to null when the
// server has no realtime endpoint (negotiate 404 or unreachable): callers then poll.
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { api } from '../api/client';
import { setRealtimeToken } from './token';

export interface LiveHandlers {
  /** Called after the connection came back: re-subscribe and re-fetch from the cursor. */
  onReconnected: (connectionId: string) => void;
  /** Called when the connection is lost for good. */
  onClosed: () => void;
}

export async function connectHub(register: (connection: HubConnection) => void, handlers: LiveHandlers): Promise<HubConnection | null> {
  let negotiated;
  try {
    negotiated = await api.negotiate();
  } catch {
    return null;
  }
  let token = negotiated.accessToken;
  setRealtimeToken(token);
  let tokenUses = 0;
  const connection = new HubConnectionBuilder()
    .withUrl(negotiated.url, {
      accessTokenFactory: async () => {
        // A reconnect after the token expired needs a fresh one.
        if (tokenUses++ === 0) return token;
        try {
          token = (await api.negotiate()).accessToken;
          setRealtimeToken(token);
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
  return connection;
}
