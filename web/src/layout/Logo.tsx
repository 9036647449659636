export function Logo({ size = 28 }: { size?: number }) {
  return (
    <span className="logo">
      <svg viewBox="0 0 64 64" width={size} height={size} aria-hidden="true">
        <rect width="64" height="64" rx="14" className="logo-bg" />
        <path d="M20 18h24v7H28v4.5h14v7H28V39h16v7H20z" fill="#fff" />
      </svg>
      <span className="logo-text">Expe</span>
    </span>
  );
}
