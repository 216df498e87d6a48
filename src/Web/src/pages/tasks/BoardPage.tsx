// Placeholder: the feature engineer replaces this page; its route is already declared in src/routes.tsx.
export function BoardPage() {
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">Board</h1>
      <p className="muted">Coming soon.</p>
    </section>
  );
}
