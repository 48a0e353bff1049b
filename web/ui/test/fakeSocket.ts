/** A scripted WebSocket for the stream client: the test plays the bridge's side. */
import type { WebSocketLike } from "@options-nt/client";

export class FakeSocket implements WebSocketLike {
  onopen: WebSocketLike["onopen"] = null;
  onmessage: WebSocketLike["onmessage"] = null;
  onclose: WebSocketLike["onclose"] = null;
  onerror: WebSocketLike["onerror"] = null;
  readonly sent: Record<string, unknown>[] = [];
  closed = false;

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(): void {
    this.closed = true;
  }

  /** The server accepts the connection. */
  open(): void {
    this.onopen?.call(this as unknown as WebSocket, new Event("open"));
  }

  /** The server sends one frame of messages. */
  receive(...messages: Record<string, unknown>[]): void {
    this.onmessage?.call(this as unknown as WebSocket, { data: JSON.stringify(messages) } as MessageEvent);
  }

  /** The connection drops. */
  drop(code = 1006): void {
    this.onclose?.call(this as unknown as WebSocket, { code, reason: "" } as CloseEvent);
  }
}
