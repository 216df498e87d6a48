import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter } from 'react-router';
import { ApiError } from './api/problem';
import { createQueryClient } from './api/queryClient';
import { App } from './App';
import { routes } from './routes';
import { reportError } from './ui/errorReporter';
import { reportWebVitals } from './ui/reportWebVitals';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root, {
  // Errors caught by boundaries (every route has one) come here; uncaught ones reach window 'error'
  // (ErrorReporter). Expected API refusals (4xx) are not bugs and are not reported.
  onCaughtError: (error, info) => {
    if (error instanceof ApiError && error.status < 500) return;
    reportError(error, info.componentStack);
  },
}).render(
  <StrictMode>
    <App queryClient={createQueryClient()} router={createBrowserRouter(routes)} />
  </StrictMode>,
);

reportWebVitals();
