// VS Code client for the hegui language server (`hegui lsp`, stdio).
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** Builds the server command line from the `hegui.*` settings. */
export function serverArgs(cfg: vscode.WorkspaceConfiguration): { command: string; args: string[] } {
  const command = (cfg.get<string>("server.path") || "hegui").trim() || "hegui";
  const args = ["lsp"];
  const lang = cfg.get<string>("lang");
  if (lang === "zh" || lang === "en") {
    args.push("--lang", lang);
  }
  const asOf = (cfg.get<string>("asOf") || "").trim();
  if (asOf !== "") {
    args.push("--as-of", asOf);
  }
  return { command, args };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const cfg = vscode.workspace.getConfiguration("hegui");
  const { command, args } = serverArgs(cfg);
  // No `transport` option: with one, vscode-languageclient appends `--stdio`
  // to the arguments. The server talks over stdin/stdout anyway.
  const serverOptions: ServerOptions = {
    run: { command, args },
    debug: { command, args },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "hegui" },
      { scheme: "untitled", language: "hegui" },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.hegui"),
    },
  };
  client = new LanguageClient("hegui", "hegui language server", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `hegui: could not start the language server "${command} ${args.join(" ")}": ${msg}. ` +
        `Install hegui or set "hegui.server.path".`
    );
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch {
      // The server may never have started; nothing to stop.
    }
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("hegui.restartServer", async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("hegui")) {
        await stopClient();
        await startClient(context);
      }
    })
  );
  await startClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  return stopClient();
}
