// Placeholder: the feature engineer replaces this page; its route is already declared in src/routes.tsx.
export function AdminUsersPage() {
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">Users</h1>
      <p className="muted">Coming soon.</p>
    </section>
  );
}
