import { Link } from "wouter";
import { EmptyState, PageHeading } from "../ui/components.tsx";

export function NotFoundPage() {
  return (
    <section>
      <PageHeading title="Not found">Page not found</PageHeading>
      <EmptyState title="There is nothing at this address.">
        <Link href="/" className="button">
          Go to the home page
        </Link>
      </EmptyState>
    </section>
  );
}
