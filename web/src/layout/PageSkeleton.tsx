import { Skeleton } from "../ui/Skeleton";

export function PageSkeleton() {
  return (
    <div className="page" role="status" aria-label="Loading page">
      <Skeleton width="30%" height="1.8rem" />
      <div className="grid-cards">
        {[0, 1, 2].map((i) => (
          <div className="card" key={i}>
            <Skeleton width="50%" />
            <Skeleton width="80%" height="1.6rem" />
          </div>
        ))}
      </div>
      <div className="card">
        {[0, 1, 2, 3, 4].map((i) => (
          <Skeleton key={i} width={`${90 - i * 8}%`} />
        ))}
      </div>
    </div>
  );
}
