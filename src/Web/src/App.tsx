import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider, type createBrowserRouter } from 'react-router';
import { SessionProvider } from './session/SessionProvider';
import { ErrorReporter } from './ui/errorReporter';
import { ThemeProvider } from './ui/theme';
import { ToastProvider } from './ui/toast';

/** Provider order: data (React Query) → session (uses it) → theme/toasts (UI) → router (pages use all of them). */
export function App({ queryClient, router }: { queryClient: QueryClient; router: ReturnType<typeof createBrowserRouter> }) {
  return (
    <QueryClientProvider client={queryClient}>
      <ErrorReporter />
      <SessionProvider>
        <ThemeProvider>
          <ToastProvider>
            <RouterProvider router={router} />
          </ToastProvider>
        </ThemeProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
