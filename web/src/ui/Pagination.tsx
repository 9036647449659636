interface Props {
  page: number;
  limit: number;
  total: number;
  hasMore: boolean;
  onPage: (page: number) => void;
  label?: string;
}

export function Pagination({ page, limit, total, hasMore, onPage, label = "Pages" }: Props) {
  if (total === 0) return null;
  const first = (page - 1) * limit + 1;
  const last = Math.min(page * limit, total);
  return (
    <nav className="pagination" aria-label={label}>
      <span className="muted">
        {first}–{last} of {total}
      </span>
      <div className="row">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={page <= 1}
          onClick={() => onPage(page - 1)}
        >
          Previous
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={!hasMore}
          onClick={() => onPage(page + 1)}
        >
          Next
        </button>
      </div>
    </nav>
  );
}
