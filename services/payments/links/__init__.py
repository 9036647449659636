"""Payment links: a shareable page that makes a payment for whoever opens it."""
