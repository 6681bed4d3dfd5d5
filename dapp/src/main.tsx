import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import "./app/styles.css";
import { SessionProvider } from "./session/SessionProvider.tsx";
import { reader } from "./stoa/queries.ts";
import { WalletProvider } from "./wallet/WalletProvider.tsx";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The node is local or near: retry once, then show the error with a retry button.
      retry: 1,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

// Fetch the node-read code now, while the first render runs.
void reader();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <WalletProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </WalletProvider>
    </QueryClientProvider>
  </StrictMode>,
);
