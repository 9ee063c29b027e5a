import * as http from "http";
import * as https from "https";

export interface HttpGetOptions {
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** A GET with a deadline on the whole exchange, not only on the connection. */
export function httpGet(url: URL, options: HttpGetOptions): Promise<HttpResponse> {
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method: "GET", headers: { Accept: "application/json" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
      response.on("error", reject);
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on("close", () => {
      clearTimeout(timer);
    });
    request.on("error", reject);
    request.end();
  });
}
