import { connect } from "node:net";

/**
 * The status line's code for a raw `GET <target>` (a target `fetch` would not send as it is), or 0 when nothing
 * answers within two seconds.
 */
export function rawStatus(origin: string, target: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    socket.on("data", (chunk) => {
      text += String(chunk);
    });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(0);
    });
    socket.on("end", () => resolve(Number(text.split(" ")[1])));
    socket.on("error", reject);
  });
}
